-- The delivery ledger: each (channel, scheduled slot) is posted once. A digest may take several
-- messages ("parts"); each part is recorded as soon as the platform accepted it, so a restart
-- after a kill resumes with the first part not yet recorded.
CREATE TABLE deliveries (
    channel     TEXT NOT NULL,
    slot        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('posting', 'posted')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (channel, slot)
) WITHOUT ROWID;
CREATE TABLE delivery_parts (
    channel   TEXT NOT NULL,
    slot      TEXT NOT NULL,
    part      INTEGER NOT NULL,
    ref       TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (channel, slot, part)
) WITHOUT ROWID;
