-- Small facts the bot remembers between starts, e.g. the fingerprint of the slash commands it
-- last registered with Discord (so they are synced only when they changed).
CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
