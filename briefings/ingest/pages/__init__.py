"""Reading one saved news page: its stated metadata (meta.py, structured.py) and its main text (body.py)."""
