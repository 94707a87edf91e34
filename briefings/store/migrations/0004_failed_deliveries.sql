-- A delivery that could not be posted after retrying for its whole retry budget is recorded as
-- 'failed' with the last error, shown by `digest CHANNEL`, and retried at the next start.
CREATE TABLE deliveries_v4 (
    channel     TEXT NOT NULL,
    slot        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('posting', 'posted', 'failed')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    error       TEXT,
    PRIMARY KEY (channel, slot)
) WITHOUT ROWID;
INSERT INTO deliveries_v4 (channel, slot, status, started_at, finished_at)
    SELECT channel, slot, status, started_at, finished_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v4 RENAME TO deliveries
