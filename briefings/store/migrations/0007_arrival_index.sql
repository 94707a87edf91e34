-- Arrival time in UTC, indexed: since-last windows and the coverage-alert baseline select articles by
-- when they arrived; ingested_at keeps the offset it was written with, which no index can order.
ALTER TABLE articles ADD COLUMN ingested_utc TEXT;
UPDATE articles SET ingested_utc = strftime('%Y-%m-%dT%H:%M:%S', ingested_at);
CREATE INDEX articles_ingested_utc ON articles(ingested_utc)
