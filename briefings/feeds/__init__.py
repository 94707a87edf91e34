"""Live intake: follow RSS/Atom feeds and single article pages named in config/sources.yaml."""
