-- Counts kept at ingest (the grid, trends, alert baselines and stats never read articles) and a slim
-- copy of each document (composing a digest never parses whole texts), as SQLite's migration 0008.
-- Counts are kept by triggers on the tag tables, so every insert and every delete (a superseded
-- article's cascade included) moves them. Days are key >> 20 (0 for undated articles); day -1 holds
-- the total over all days, so "all dates" and stats read a handful of rows, not one per day.
ALTER TABLE articles ADD COLUMN slim TEXT;  -- briefings.store.slim; NULL for older rows, filled at open
CREATE INDEX articles_unslim ON articles (key) WHERE slim IS NULL;
-- Whether the article is about the company (CompanyTag.about): coverage alerts count only those.
-- (json, not jsonb: jsonb refuses the \u0000 escape a document may hold)
ALTER TABLE article_companies ADD COLUMN about BOOLEAN NOT NULL DEFAULT false;
UPDATE article_companies c SET about = coalesce((
    SELECT (e.value ->> 'about')::boolean FROM articles a, json_array_elements(a.doc::json -> 'companies') e
    WHERE a.key = c.article_key AND e.value ->> 'company' = c.company_id LIMIT 1), false);
-- The grid's (company, theme) pairs of each article: a theme tag counts for its own companies, or for
-- every company of the article when it names none; n > 1 when tags repeat a pair.
CREATE TABLE article_grid (
    article_key BIGINT NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
    company_id  TEXT COLLATE "C" NOT NULL,
    theme_id    TEXT COLLATE "C" NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (article_key, company_id, theme_id)
);
INSERT INTO article_grid
    SELECT pairs.key, pairs.company, pairs.theme, count(*) FROM (
        SELECT a.key, t.value ->> 'theme' AS theme, o.company
        FROM articles a
        CROSS JOIN LATERAL json_array_elements(a.doc::json -> 'themes') t
        CROSS JOIN LATERAL (
            SELECT json_array_elements_text(t.value -> 'companies')
            WHERE coalesce(json_array_length(t.value -> 'companies'), 0) > 0
            UNION ALL
            SELECT c.company_id FROM article_companies c
            WHERE c.article_key = a.key AND coalesce(json_array_length(t.value -> 'companies'), 0) = 0
        ) o (company)
    ) pairs GROUP BY 1, 2, 3;
CREATE TABLE grid_days (
    day        INTEGER NOT NULL,
    company_id TEXT COLLATE "C" NOT NULL,
    theme_id   TEXT COLLATE "C" NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (day, company_id, theme_id)
);
INSERT INTO grid_days SELECT article_key >> 20, company_id, theme_id, sum(n) FROM article_grid GROUP BY 1, 2, 3;
INSERT INTO grid_days SELECT -1, company_id, theme_id, sum(n) FROM article_grid GROUP BY 2, 3;
-- Articles per day and in all (day -1) by kind: 'all' (tag ''), 'company', 'theme'; per 'outlet'
-- ('unknown' when none) only in all: only stats reads those.
CREATE TABLE tag_days (
    kind TEXT NOT NULL,
    tag  TEXT COLLATE "C" NOT NULL,
    day  INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, tag, day)
);
INSERT INTO tag_days SELECT 'all', '', key >> 20, count(*) FROM articles GROUP BY 3;
INSERT INTO tag_days SELECT 'outlet', coalesce(outlet, 'unknown'), -1, count(*) FROM articles GROUP BY 2;
INSERT INTO tag_days SELECT 'company', company_id, article_key >> 20, count(*) FROM article_companies GROUP BY 2, 3;
INSERT INTO tag_days SELECT 'theme', theme_id, article_key >> 20, count(*) FROM article_themes GROUP BY 2, 3;
INSERT INTO tag_days SELECT kind, tag, -1, sum(n) FROM tag_days WHERE kind IN ('all', 'company', 'theme') GROUP BY 1, 2;
CREATE INDEX tag_totals ON tag_days (kind, tag, n) WHERE day = -1;
CREATE TABLE source_counts (
    status TEXT COLLATE "C" PRIMARY KEY,
    n      INTEGER NOT NULL
);
INSERT INTO source_counts SELECT status, count(*) FROM sources GROUP BY 1;
-- A change counter: result caches key on it.
CREATE TABLE archive_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO archive_changes VALUES (1, 0);

CREATE FUNCTION briefings_count_tag(kind_ TEXT, tag_ TEXT, day_ BIGINT, delta INTEGER) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO tag_days VALUES (kind_, tag_, day_, delta)
    ON CONFLICT (kind, tag, day) DO UPDATE SET n = tag_days.n + excluded.n
$$;
CREATE FUNCTION briefings_count_tag_days(kind_ TEXT, tag_ TEXT, day_ BIGINT, delta INTEGER) RETURNS void
LANGUAGE sql AS $$  -- the day's count and the total (day -1)
    SELECT briefings_count_tag(kind_, tag_, day_, delta);
    SELECT briefings_count_tag(kind_, tag_, -1, delta);
$$;
CREATE FUNCTION briefings_count_source(status_ TEXT, delta INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO source_counts VALUES (status_, delta) ON CONFLICT (status) DO UPDATE SET n = source_counts.n + excluded.n
$$;
CREATE FUNCTION briefings_grid_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO grid_days VALUES (NEW.article_key >> 20, NEW.company_id, NEW.theme_id, NEW.n),
                                     (-1, NEW.company_id, NEW.theme_id, NEW.n)
        ON CONFLICT (day, company_id, theme_id) DO UPDATE SET n = grid_days.n + excluded.n;
    ELSE
        UPDATE grid_days SET n = n - OLD.n
        WHERE day IN (OLD.article_key >> 20, -1) AND company_id = OLD.company_id AND theme_id = OLD.theme_id;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION briefings_company_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM briefings_count_tag_days('company', NEW.company_id, NEW.article_key >> 20, 1);
    ELSE
        PERFORM briefings_count_tag_days('company', OLD.company_id, OLD.article_key >> 20, -1);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION briefings_theme_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM briefings_count_tag_days('theme', NEW.theme_id, NEW.article_key >> 20, 1);
    ELSE
        PERFORM briefings_count_tag_days('theme', OLD.theme_id, OLD.article_key >> 20, -1);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION briefings_article_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM briefings_count_tag_days('all', '', NEW.key >> 20, 1);
        PERFORM briefings_count_tag('outlet', coalesce(NEW.outlet, 'unknown'), -1, 1);
    ELSE
        PERFORM briefings_count_tag_days('all', '', OLD.key >> 20, -1);
        PERFORM briefings_count_tag('outlet', coalesce(OLD.outlet, 'unknown'), -1, -1);
    END IF;
    UPDATE archive_changes SET n = n + 1;
    RETURN NULL;
END $$;
CREATE FUNCTION briefings_source_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM briefings_count_source(OLD.status, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM briefings_count_source(NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER grid_changed AFTER INSERT OR DELETE ON article_grid
    FOR EACH ROW EXECUTE FUNCTION briefings_grid_changed();
CREATE TRIGGER company_changed AFTER INSERT OR DELETE ON article_companies
    FOR EACH ROW EXECUTE FUNCTION briefings_company_changed();
CREATE TRIGGER theme_changed AFTER INSERT OR DELETE ON article_themes
    FOR EACH ROW EXECUTE FUNCTION briefings_theme_changed();
CREATE TRIGGER article_changed AFTER INSERT OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION briefings_article_changed();
CREATE TRIGGER source_added_or_removed AFTER INSERT OR DELETE ON sources
    FOR EACH ROW EXECUTE FUNCTION briefings_source_changed();
CREATE TRIGGER source_status_changed AFTER UPDATE OF status ON sources
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION briefings_source_changed();
-- Quotes newest first by speaker or company walk these instead of sorting every quote of the speaker.
DROP INDEX quotes_by_speaker;
DROP INDEX quotes_by_company;
CREATE INDEX quotes_by_speaker ON quotes (speaker, article_key);
CREATE INDEX quotes_by_company ON quotes (company_id, article_key);
-- When the lease's present owner took it (kept across renewals), as SQLite's leases table keeps it.
ALTER TABLE leases ADD COLUMN since TIMESTAMPTZ NOT NULL DEFAULT now();
