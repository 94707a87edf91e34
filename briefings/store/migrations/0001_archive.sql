-- Articles keyed by a date-ordered integer: (days since 1900-01-01 << 20) | sequence.
-- Undated articles have day 0, so any date range excludes them and "newest first" is
-- ORDER BY key DESC, which both SQLite and FTS5 walk without sorting.
CREATE TABLE articles (
    key          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    published    TEXT,
    outlet       TEXT,
    ingested_at  TEXT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE TABLE article_companies (
    company_id  TEXT NOT NULL,
    article_key INTEGER NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (company_id, article_key)
) WITHOUT ROWID;
CREATE TABLE article_themes (
    theme_id    TEXT NOT NULL,
    article_key INTEGER NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    score       REAL NOT NULL,
    PRIMARY KEY (theme_id, article_key)
) WITHOUT ROWID;
CREATE INDEX article_themes_by_article ON article_themes(article_key);
CREATE INDEX article_companies_by_article ON article_companies(article_key);
CREATE TABLE quotes (
    article_key INTEGER NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    speaker     TEXT,
    role        TEXT,
    company_id  TEXT,
    text        TEXT NOT NULL
);
CREATE INDEX quotes_by_speaker ON quotes(speaker);
CREATE INDEX quotes_by_company ON quotes(company_id);
-- Every file (or JSON record) ever ingested, and what became of it.
CREATE TABLE sources (
    source     TEXT PRIMARY KEY,
    raw_hash   TEXT NOT NULL,
    article_id TEXT,
    status     TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
CREATE INDEX sources_by_hash ON sources(raw_hash);
CREATE VIRTUAL TABLE article_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
