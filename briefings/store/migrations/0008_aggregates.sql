-- Aggregates kept at ingest, so the grid, trends, alert baselines and stats never read articles,
-- and a slim copy of each document, so composing a digest never parses 14–37 KB of text per article.
-- Counts are kept by triggers on the tag tables: every insert and every delete (a superseded
-- article's cascade included) moves them, whichever code path writes. Days are key >> 20 (the
-- article key's day number; 0 for undated articles); day -1 holds the total over all days, so
-- "all dates" and stats read a handful of rows, not one per day.
-- The slim document (briefings.store.slim); NULL for rows written before, filled when the archive opens.
ALTER TABLE articles ADD COLUMN slim TEXT;
CREATE INDEX articles_unslim ON articles(key) WHERE slim IS NULL;
-- Whether the article is about the company (CompanyTag.about): coverage alerts count only those.
ALTER TABLE article_companies ADD COLUMN about INTEGER NOT NULL DEFAULT 0;
UPDATE article_companies SET about = coalesce((SELECT json_extract(c.value, '$.about') FROM articles a,
    json_each(a.doc, '$.companies') c WHERE a.key = article_companies.article_key
    AND json_extract(c.value, '$.company') = article_companies.company_id LIMIT 1), 0);
-- The grid's (company, theme) pairs of each article: a theme tag counts for its own companies, or
-- for every company of the article when it names none; n > 1 when tags repeat a pair.
CREATE TABLE article_grid (
    article_key INTEGER NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    company_id  TEXT NOT NULL,
    theme_id    TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (article_key, company_id, theme_id)
) WITHOUT ROWID;
INSERT INTO article_grid
    SELECT key, company, theme, count(*) FROM (
        SELECT a.key AS key, json_extract(t.value, '$.theme') AS theme, o.value AS company
        FROM articles a, json_each(a.doc, '$.themes') t, json_each(CASE
            WHEN json_array_length(t.value, '$.companies') > 0 THEN json_extract(t.value, '$.companies')
            ELSE (SELECT json_group_array(c.company_id) FROM article_companies c WHERE c.article_key = a.key)
            END) o)
    GROUP BY key, company, theme;
CREATE TABLE grid_days (
    day        INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    theme_id   TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (day, company_id, theme_id)
) WITHOUT ROWID;
INSERT INTO grid_days SELECT article_key >> 20, company_id, theme_id, sum(n) FROM article_grid GROUP BY 1, 2, 3;
INSERT INTO grid_days SELECT -1, company_id, theme_id, sum(n) FROM article_grid GROUP BY 2, 3;
-- Articles per day and in all (day -1) by kind: 'all' (tag ''), 'company', 'theme'; per 'outlet'
-- ('unknown' when none) only in all: only stats reads those.
CREATE TABLE tag_days (
    kind TEXT NOT NULL,
    tag  TEXT NOT NULL,
    day  INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, tag, day)
) WITHOUT ROWID;
INSERT INTO tag_days SELECT 'all', '', key >> 20, count(*) FROM articles GROUP BY 3;
INSERT INTO tag_days SELECT 'outlet', coalesce(outlet, 'unknown'), -1, count(*) FROM articles GROUP BY 2;
INSERT INTO tag_days SELECT 'company', company_id, article_key >> 20, count(*) FROM article_companies GROUP BY 2, 3;
INSERT INTO tag_days SELECT 'theme', theme_id, article_key >> 20, count(*) FROM article_themes GROUP BY 2, 3;
INSERT INTO tag_days SELECT kind, tag, -1, sum(n) FROM tag_days WHERE kind IN ('all', 'company', 'theme') GROUP BY 1, 2;
CREATE INDEX tag_totals ON tag_days(kind, tag, n) WHERE day = -1;
CREATE TABLE source_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO source_counts SELECT status, count(*) FROM sources GROUP BY 1;
-- A change counter: result caches key on it (one row, read in microseconds).
CREATE TABLE archive_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO archive_changes VALUES (1, 0);
CREATE TRIGGER grid_added AFTER INSERT ON article_grid BEGIN INSERT INTO grid_days VALUES (new.article_key >> 20, new.company_id, new.theme_id, new.n) ON CONFLICT DO UPDATE SET n = n + excluded.n; INSERT INTO grid_days VALUES (-1, new.company_id, new.theme_id, new.n) ON CONFLICT DO UPDATE SET n = n + excluded.n; END;
CREATE TRIGGER grid_removed AFTER DELETE ON article_grid BEGIN UPDATE grid_days SET n = n - old.n WHERE day IN (old.article_key >> 20, -1) AND company_id = old.company_id AND theme_id = old.theme_id; END;
CREATE TRIGGER company_added AFTER INSERT ON article_companies BEGIN INSERT INTO tag_days VALUES ('company', new.company_id, new.article_key >> 20, 1) ON CONFLICT DO UPDATE SET n = n + 1; INSERT INTO tag_days VALUES ('company', new.company_id, -1, 1) ON CONFLICT DO UPDATE SET n = n + 1; END;
CREATE TRIGGER company_removed AFTER DELETE ON article_companies BEGIN UPDATE tag_days SET n = n - 1 WHERE kind = 'company' AND tag = old.company_id AND day IN (old.article_key >> 20, -1); END;
CREATE TRIGGER theme_added AFTER INSERT ON article_themes BEGIN INSERT INTO tag_days VALUES ('theme', new.theme_id, new.article_key >> 20, 1) ON CONFLICT DO UPDATE SET n = n + 1; INSERT INTO tag_days VALUES ('theme', new.theme_id, -1, 1) ON CONFLICT DO UPDATE SET n = n + 1; END;
CREATE TRIGGER theme_removed AFTER DELETE ON article_themes BEGIN UPDATE tag_days SET n = n - 1 WHERE kind = 'theme' AND tag = old.theme_id AND day IN (old.article_key >> 20, -1); END;
CREATE TRIGGER article_added AFTER INSERT ON articles BEGIN INSERT INTO tag_days VALUES ('all', '', new.key >> 20, 1) ON CONFLICT DO UPDATE SET n = n + 1; INSERT INTO tag_days VALUES ('all', '', -1, 1) ON CONFLICT DO UPDATE SET n = n + 1; INSERT INTO tag_days VALUES ('outlet', coalesce(new.outlet, 'unknown'), -1, 1) ON CONFLICT DO UPDATE SET n = n + 1; UPDATE archive_changes SET n = n + 1; END;
CREATE TRIGGER article_removed AFTER DELETE ON articles BEGIN UPDATE tag_days SET n = n - 1 WHERE kind = 'all' AND tag = '' AND day IN (old.key >> 20, -1); UPDATE tag_days SET n = n - 1 WHERE kind = 'outlet' AND tag = coalesce(old.outlet, 'unknown') AND day = -1; UPDATE archive_changes SET n = n + 1; END;
CREATE TRIGGER source_added AFTER INSERT ON sources BEGIN INSERT INTO source_counts VALUES (new.status, 1) ON CONFLICT DO UPDATE SET n = n + 1; END;
CREATE TRIGGER source_changed AFTER UPDATE OF status ON sources WHEN old.status IS NOT new.status BEGIN UPDATE source_counts SET n = n - 1 WHERE status = old.status; INSERT INTO source_counts VALUES (new.status, 1) ON CONFLICT DO UPDATE SET n = n + 1; END;
CREATE TRIGGER source_removed AFTER DELETE ON sources BEGIN UPDATE source_counts SET n = n - 1 WHERE status = old.status; END;
-- Quotes newest first by speaker or company walk these instead of sorting every quote of the speaker.
DROP INDEX quotes_by_speaker;
DROP INDEX quotes_by_company;
CREATE INDEX quotes_by_speaker ON quotes(speaker, article_key);
CREATE INDEX quotes_by_company ON quotes(company_id, article_key)
