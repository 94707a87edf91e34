"""PostgreSQL end to end: the analysed seeds found alike on both backends, the CLI and chat commands on a
postgresql:// archive, migrations raced by several processes, and a password that never leaks."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from briefings.archive import Archive
from briefings.commands import CommandContext, Commands
from briefings.errors import ConfigError
from briefings.settings import DATABASE_URL_ENV, DB_ENV, load_settings
from briefings.store import ArticleFilter, open_store
from briefings.store.base import Subset
from briefings.store.location import redact
from briefings.store.postgres import PostgresStore, StoreError
from briefings.yamlconf import load_model
from tests.conftest import CONFIG, FIXED_NOW, ROOT, SEEDS, open_archive

QUERIES = ["고객", "KT", "SKT", "LGU+", "AI", "5G", "ESG", "IPTV", '"정보 격차"', "고객 센터", '"고객센터"',
           "서포터즈가", "혁신", "기부 봉사", "통신", "광케이블", "a:b & !'(<->\\", "정보통신"]


@pytest.fixture(scope="module")
def pg_seeded(pg_server) -> str:
    url = pg_server.url(pg_server.create_database())
    archive = Archive.open(CONFIG, url, clock=lambda: FIXED_NOW)
    try:
        assert archive.ingest([SEEDS]).counts["added"] == 5
    finally:
        archive.close()
    return url


@pytest.fixture
def both(seeded_db: Path, pg_seeded: str):
    archives = [open_archive(seeded_db), Archive.open(CONFIG, pg_seeded, clock=lambda: FIXED_NOW)]
    yield archives
    for archive in archives:
        archive.close()


def test_the_analysed_seeds_are_found_alike_on_both_backends(both):
    sqlite, postgres = both
    assert isinstance(postgres.store, PostgresStore)
    assert sqlite.store.stats() == postgres.store.stats()
    found_any = 0
    for query in QUERIES:
        for options in ({}, {"since": "2016"}, {"companies": ["KT"]}, {"limit": 2, "offset": 1}):
            expected = [h.article.id for h in sqlite.search(query, **options).page.hits]
            got = postgres.search(query, **options)
            assert [h.article.id for h in got.page.hits] == expected, (query, options)
            found_any += bool(expected)
    assert found_any > 20  # the comparison is not between empty answers
    for article in sqlite.store.articles(sqlite.make_filter()):
        assert postgres.get(article.id[:6]).to_dict() == article.to_dict()
    assert [(a.id, q) for a, q in sqlite.store.quotes(None, None, 50)] == [
        (a.id, q) for a, q in postgres.store.quotes(None, None, 50)]


def test_chat_commands_answer_alike_on_both_backends(both):
    replies = []
    for archive in both:
        commands = Commands(CommandContext(archive))
        replies.append([commands.run_text(text).digest.to_dict() for text in
                        ["news KT", "news 고객 since=2016", "brief KT", "grid", "quotes", "help"]])
    assert replies[0] == replies[1]


def test_the_command_line_on_a_postgresql_archive(pg_url, capsys):
    def run(*args: str) -> tuple[int, str]:
        code = main(["--config", str(CONFIG), "--db", pg_url, *args])
        return code, capsys.readouterr().out

    code, out = run("ingest", str(SEEDS))
    assert code == 0 and out.strip().endswith("5 added, 0 unchanged, 0 duplicates, 0 rejected")
    code, out = run("ingest", str(SEEDS))
    assert code == 0 and out.strip().endswith("0 added, 5 unchanged, 0 duplicates, 0 rejected")
    code, out = run("search", "고객", "--json")
    hits = json.loads(out)["results"]
    assert code == 0 and len(hits) >= 3
    code, out = run("show", hits[0]["id"][:6])
    assert code == 0 and hits[0]["title"] in out
    code, out = run("stats", "--json")
    assert code == 0 and json.loads(out)["articles"]["total"] == 5


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_four_processes_migrating_a_new_archive_at_once(backend, request, tmp_path):
    """Each opens the same new archive at the same moment: the version is read under the lock, every
    step is applied once, and none of them fails."""
    location = str(tmp_path / "new.sqlite3") if backend == "sqlite" else request.getfixturevalue("pg_new_database")
    code = "import sys; from briefings.store import open_store; open_store(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, location], cwd=ROOT, stderr=subprocess.PIPE)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    store = open_store(location)
    try:
        assert store.schema_version() == max(store_versions(backend)) and store.count() == 0
    finally:
        store.close()


def store_versions(backend: str) -> list[int]:
    folder = ROOT / "briefings" / "store" / ("migrations" if backend == "sqlite" else "migrations_pg")
    return [int(p.name.split("_")[0]) for p in folder.glob("*.sql")]


def test_a_password_in_the_config_file_is_refused_with_its_line(tmp_path):
    from briefings.settings import Settings
    path = tmp_path / "briefings.yaml"
    path.write_text("ingest:\n  seeds: seeds\narchive:\n  path: postgresql://bot:s3cret@db.example/news\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_model(path, Settings)
    problem = info.value.problems[0]
    assert problem.file == str(path) and problem.line == 4 and DATABASE_URL_ENV in problem.message
    assert "s3cret" not in str(info.value)
    path.write_text("archive:\n  path: postgresql://db.example/news?password=s3cret\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_model(path, Settings)
    path.write_text("archive:\n  path: postgresql://bot@db.example/news\n", encoding="utf-8")
    assert load_model(path, Settings).archive.path == "postgresql://bot@db.example/news"


def test_the_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "briefings.yaml").write_text("archive:\n  path: var/a.sqlite3\n", encoding="utf-8")
    assert load_settings(tmp_path).archive.path == "var/a.sqlite3"
    monkeypatch.setenv(DB_ENV, "other.sqlite3")
    assert load_settings(tmp_path).archive.path == "other.sqlite3"
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://bot:s3cret@db.example/news")
    assert load_settings(tmp_path).archive.path == "postgresql://bot:s3cret@db.example/news"


def test_errors_and_names_never_show_the_password(pg_server, pg_url):
    assert redact("postgresql://bot:s3cret@db.example:5432/news?sslmode=require") == (
        "postgresql://bot:***@db.example:5432/news?sslmode=require")
    assert "s3cret" not in redact("postgres://db.example/news?user=bot&password=s3cret")
    assert redact(pg_url) == pg_url
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql://nobody:s3cret@/no_such_database?host={pg_server.root}")
    assert "s3cret" not in str(info.value) and "no_such_database" in str(info.value)
    store = open_store(pg_url.replace("postgres@", "postgres:s3cret@"))  # trust auth: any password works
    try:
        assert "s3cret" not in repr(store)
    finally:
        store.close()


async def test_two_bot_processes_on_one_postgresql_post_each_part_once(pg_url, tmp_path):
    """As tests/test_several_processes.py does on SQLite: the second deliverer finds the slot claimed."""
    import asyncio

    from bot.delivery import ArchiveWorker, Deliverer
    from tests.conftest import write_channels
    from tests.test_several_processes import Poster
    slot = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    seeding = Archive.open(CONFIG, pg_url, clock=lambda: FIXED_NOW)
    seeding.ingest([SEEDS])
    seeding.close()
    workers = [ArchiveWorker(lambda: Archive.open(CONFIG, pg_url, clock=lambda: FIXED_NOW)) for _ in range(2)]
    config = write_channels(tmp_path, """  - name: daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    digest: {group: company, window: all, max_stories: 50}
""")
    try:
        channel = config.by_name()["daily"]
        gate = asyncio.Event()
        first, second = Poster(gate), Poster()
        one = asyncio.create_task(Deliverer(workers[0], config, {"console": first}, lambda: slot).deliver(channel,
                                                                                                         slot))
        for _ in range(500):  # until the first has claimed the slot (it then waits on the gate mid-post)
            if await workers[1].write(lambda a: a.store.delivery_status("daily")) is not None:
                break
            await asyncio.sleep(0.01)
        assert await Deliverer(workers[1], config, {"console": second}, lambda: slot).deliver(channel, slot) == 0
        gate.set()
        sent = await one
        assert sent >= 1 and second.keys == [] and len(first.keys) == len(set(first.keys)) == sent
        status = await workers[1].write(lambda a: a.store.delivery_status("daily"))
        assert status["status"] == "posted" and status["parts"] == sent
    finally:
        for worker in workers:
            worker.close()


def test_an_archive_of_the_first_schema_is_migrated_and_backfilled(pg_new_database):
    """What migration 0001 left (no kept counts, no slim documents, no `about`): 0002 fills them in."""
    import random
    from collections import Counter

    import psycopg

    from tests.test_aggregates import WINDOWS, grid_count, in_window, make
    rng = random.Random(5)
    articles = [make(n, rng) for n in range(80)]
    store = open_store(pg_new_database)
    store.add_articles([(a, a.source, a.content_hash) for a in articles])
    store.close()
    with psycopg.connect(pg_new_database, autocommit=True) as conn:
        conn.execute("DROP TABLE article_grid, grid_days, tag_days, source_counts, archive_changes;"
                     " DROP FUNCTION briefings_count_tag_days, briefings_count_tag, briefings_count_source,"
                     " briefings_grid_changed, briefings_company_changed, briefings_theme_changed,"
                     " briefings_article_changed, briefings_source_changed CASCADE;"
                     " ALTER TABLE articles DROP COLUMN slim; ALTER TABLE article_companies DROP COLUMN about;"
                     " ALTER TABLE leases DROP COLUMN since; DELETE FROM schema_migrations WHERE version > 1")
    store = open_store(pg_new_database)
    try:
        assert store.schema_version() == 2
        for flt in WINDOWS:
            assert store.grid_counts(flt) == {k: v for k, v in grid_count(
                [a for a in articles if in_window(a, flt)]).items() if v}
        assert store.stats()["company"] == dict(Counter(c for a in articles for c in a.company_ids))
        assert store.stats()["sources"] == {"added": 80} and store.count() == 80
        start, end = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
        assert store.arrival_count("kt", start, end) == sum(
            1 for a in articles if any(t.company == "kt" and t.about for t in a.companies))
        slim = store.slim_articles(Subset(ArticleFilter()), 100)
        assert len(slim) == 80 and all(a.paragraphs[0].text == "" for a in slim)
    finally:
        store.close()


def test_a_server_that_cannot_start_says_why(tmp_path):
    """The session fixture turns this into a failed test with the message, never a skip."""
    from tests.pg import PostgresUnavailable, TestServer
    server = TestServer()
    try:
        (server.root / "data").mkdir()
        (server.root / "data" / "PG_VERSION").write_text("not a cluster")  # initdb refuses a used folder
        with pytest.raises(PostgresUnavailable, match="initdb failed"):
            server.start()
    finally:
        server.stop()
    assert not server.root.exists()


def test_connections_the_server_dropped_are_replaced(pg_url):
    """A restart or an idle timeout ends the pool's connections: the next read gets a new one."""
    import psycopg
    store = open_store(pg_url)
    try:
        assert store.count() == 0
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid != pg_backend_pid()")
        assert store.count() == 0 and store.get_state("x") is None
    finally:
        store.close()


def test_common_and_rare_words_give_the_same_pages_by_either_plan(pg_url, tmp_path, monkeypatch):
    """The newest-entries walk and the GIN path (taken when the walk finds too few hits) agree with
    SQLite on every page, whichever of them answers."""
    from briefings.store import Phrase, TextQuery, postgres
    from tests.test_store_contract import make
    articles = [make(n, ("흔한 " if n % 2 else "") + ("드문 " if n % 9 == 0 else "") + f"낱말{n % 4}\nx",
                     f"2026-10-{n % 28 + 1:02d}", companies=("kt",) if n % 3 else ()) for n in range(60)]
    stores = [open_store(tmp_path / "plans.sqlite3"), open_store(pg_url)]
    try:
        for store in stores:
            store.add_articles([(a, a.source, "raw") for a in articles])
        cases = [(word, flt, offset) for word in ("흔한", "드문", "낱말1", "없음")
                 for flt in (ArticleFilter(), ArticleFilter(companies=("kt",)),
                             ArticleFilter(since=datetime(2026, 10, 20).date()))
                 for offset in (0, 3, 20)]

        def pages(store) -> list[tuple[list[str], bool]]:
            out = []
            for word, flt, offset in cases:
                page = store.search(TextQuery((Phrase((word,)),)), flt, 4, offset)
                out.append(([h.article.id for h in page.hits], page.has_more))
            return out

        expected = pages(stores[0])
        assert sum(bool(ids) for ids, _ in expected) > 12
        for recent in (2, 10, 2000):
            monkeypatch.setattr(postgres, "RECENT", recent)
            assert pages(stores[1]) == expected, recent
    finally:
        for store in stores:
            store.close()
