"""Digests: a spec (from YAML), a neutral digest object, and its composition from the archive."""
