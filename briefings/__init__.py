"""briefings: a Korean-first archive of corporate news, and briefings composed from it.

This package is the core. It imports no chat SDK and no scheduler: those live in `bot/`.
"""

__version__ = "0.1.0"
