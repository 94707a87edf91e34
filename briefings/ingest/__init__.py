"""From files to archived articles: decode, read, clean, analyse, store."""
