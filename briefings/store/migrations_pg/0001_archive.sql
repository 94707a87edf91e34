-- The PostgreSQL archive, in the shape the SQLite one reached by its migration 0007 (plus leases).
-- Articles are keyed by a date-ordered integer: (days since 1900-01-01 << 20) | sequence; undated
-- articles have day 0, so any date range excludes them and "newest first" is ORDER BY key DESC.
-- Text that is ordered or compared as SQLite does (byte-wise) is declared COLLATE "C".
CREATE TABLE articles (
    key          BIGINT PRIMARY KEY,
    id           TEXT COLLATE "C" NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    published    TEXT,
    outlet       TEXT COLLATE "C",
    ingested_at  TEXT NOT NULL,
    -- Arrival time in UTC (to the second, as SQLite keeps it): since-last windows select by it.
    ingested_utc TIMESTAMPTZ NOT NULL,
    -- The article as JSON text, not jsonb: jsonb refuses the \u0000 escape an archived text may hold.
    doc          TEXT NOT NULL
);
CREATE INDEX articles_ingested_utc ON articles (ingested_utc);
CREATE TABLE article_companies (
    company_id  TEXT COLLATE "C" NOT NULL,
    article_key BIGINT NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (company_id, article_key)
);
CREATE INDEX article_companies_by_article ON article_companies (article_key);
CREATE TABLE article_themes (
    theme_id    TEXT COLLATE "C" NOT NULL,
    article_key BIGINT NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
    score       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (theme_id, article_key)
);
CREATE INDEX article_themes_by_article ON article_themes (article_key);
CREATE TABLE quotes (
    seq         BIGSERIAL PRIMARY KEY,
    article_key BIGINT NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
    speaker     TEXT,
    role        TEXT,
    company_id  TEXT,
    text        TEXT NOT NULL
);
CREATE INDEX quotes_by_article ON quotes (article_key);
CREATE INDEX quotes_by_speaker ON quotes (speaker);
CREATE INDEX quotes_by_company ON quotes (company_id);
-- The full-text entry: kiwi's morpheme stream and word-form stream, each a tsvector of the exact
-- tokens with their positions (built in Python, so no text-search parser reinterprets a token).
CREATE TABLE article_terms (
    article_key BIGINT PRIMARY KEY REFERENCES articles (key) ON DELETE CASCADE,
    morphemes   TSVECTOR NOT NULL,
    forms       TSVECTOR NOT NULL
);
CREATE INDEX article_terms_morphemes ON article_terms USING gin (morphemes);
CREATE INDEX article_terms_forms ON article_terms USING gin (forms);
-- Entries in an older term format, re-analysed when the archive opens (briefings.search.reindex).
CREATE TABLE search_stale (
    article_key BIGINT PRIMARY KEY REFERENCES articles (key) ON DELETE CASCADE
);
-- Every file (or JSON record) ever ingested, and what became of it.
CREATE TABLE sources (
    source     TEXT PRIMARY KEY,
    raw_hash   TEXT NOT NULL,
    article_id TEXT,
    status     TEXT COLLATE "C" NOT NULL,
    seen_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sources_by_hash ON sources (raw_hash);
CREATE INDEX sources_by_article ON sources (article_id);
-- The delivery ledger: each (channel, slot) is posted once, part by part; a claim (owner, until)
-- keeps two processes from posting the same slot. Slots are ISO text, as SQLite keeps them.
CREATE TABLE deliveries (
    channel       TEXT NOT NULL,
    slot          TEXT COLLATE "C" NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('posting', 'posted', 'failed')),
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    error         TEXT,
    owner         TEXT,
    claimed_until TEXT,
    PRIMARY KEY (channel, slot)
);
CREATE TABLE delivery_parts (
    channel   TEXT NOT NULL,
    slot      TEXT COLLATE "C" NOT NULL,
    part      INTEGER NOT NULL,
    ref       TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (channel, slot, part)
);
CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Named leases (e.g. the scheduler): one live owner at a time, taken over once it lapses.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    held_until TIMESTAMPTZ NOT NULL
);
