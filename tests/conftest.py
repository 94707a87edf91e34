"""Shared fixtures: the shipped config, and a session-wide archive of the seeds (kiwi is slow to load)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from briefings.archive import Archive

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
SEEDS = ROOT / "seeds"
FIXED_NOW = datetime(2026, 11, 22, 9, 0, 0)

SEED_IDS = {
    "kt_award": "000_03c76986cc90c5fe.txt",
    "kt_jeonbuk": "001_b3fb37ec6062d802.txt",
    "new_year": "002_5b1cb94adbc98c12.txt",
    "kt_supporters": "003_662745a584427638.txt",
    "kt_ksqi": "004_f38ae0e5548f3e43.txt",
}


def open_archive(db: Path) -> Archive:
    return Archive.open(CONFIG, db, clock=lambda: FIXED_NOW)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "archive.sqlite3"
    archive = open_archive(db)
    report = archive.ingest([SEEDS])
    assert report.counts["added"] == 5, report.items
    archive.close()
    return db


@pytest.fixture
def seeded(seeded_db: Path, tmp_path: Path) -> Archive:
    """A private copy of the seeded archive, free to change."""
    db = tmp_path / "archive.sqlite3"
    shutil.copy(seeded_db, db)
    archive = open_archive(db)
    yield archive
    archive.close()


@pytest.fixture
def archive_worker(seeded_db: Path, tmp_path: Path):
    """A private seeded archive behind the bot's single archive thread."""
    from bot.delivery import ArchiveWorker
    db = tmp_path / "worker.sqlite3"
    shutil.copy(seeded_db, db)
    worker = ArchiveWorker(lambda: open_archive(db))
    yield worker
    worker.close()


def write_channels(folder: Path, entries: str, grace: int = 900):
    """A channels.yaml with these entries (YAML list items), loaded against the shipped taxonomy."""
    from bot.channels import load_channels
    from briefings.analysis.taxonomy import load_taxonomy
    path = folder / "channels.yaml"
    path.write_text(f"misfire_grace_seconds: {grace}\nchannels:\n{entries}", encoding="utf-8")
    return load_channels(path, load_taxonomy(CONFIG))


@pytest.fixture
def two_processes(seeded_db: Path, tmp_path: Path):
    """Two archive threads with a connection each on one seeded archive (as two bot processes have), and a
    console channel whose digest is due at 08:30 Seoul time."""
    from bot.delivery import ArchiveWorker
    db = tmp_path / "shared.sqlite3"
    shutil.copy(seeded_db, db)
    workers = [ArchiveWorker(lambda: open_archive(db)) for _ in range(2)]
    config = write_channels(tmp_path, """  - name: daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    digest: {group: company, window: all, max_stories: 50}
""")
    yield workers, config
    for worker in workers:
        worker.close()


@pytest.fixture
def empty(tmp_path: Path) -> Archive:
    archive = open_archive(tmp_path / "empty.sqlite3")
    yield archive
    archive.close()


def by_source(archive: Archive, name: str):
    """The archived article that came from a seed file name."""
    for article in archive.store.articles(archive.make_filter()):
        if Path(article.source).name == name:
            return article
    raise AssertionError(f"no article from {name}")


SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허기니"
NOUNS = ["요금제", "로밍", "위성", "드론", "반도체", "보안", "클라우드", "메타버스", "로봇", "배터리", "스마트팜",
         "헬스케어", "교육", "금융", "게임", "음악", "영상", "광고", "물류", "에너지", "자율주행", "양자", "우주"]


def distinct_articles(folder: Path, count: int, noise: list[str] | None = None, name: str = "many.jsonl") -> Path:
    """A JSONL file of `count` KT articles that tell different stories (so none cluster together)."""
    import json
    noise = noise or [""]
    records = []
    for n in range(count):
        a, b, c = (NOUNS[(n * k + j) % 23] for k, j in ((1, 0), (7, 3), (11, 5)))
        # two made-up product names unique to this article ("가나다", "라마바"…)
        d = "".join(SYLLABLES[(n // 30 ** i) % 30] for i in range(3))
        e = "".join(SYLLABLES[(n * 7 + i) % 30] for i in range(3)) + "플러스"
        extra = noise[n % len(noise)]
        body = (f"KT가 {a}·{b}·{c}·{d}·{e} 신상품을 {extra} 공개했다. 고객만족과 고객 중심 전략의 {n}번째 사례다.")
        if n % 7 == 0 and len(noise) > 1:
            body += " " + ("아주 긴 문단이다 " * 1300)  # > 10,000 characters
        records.append({"title": f"{extra} {d} {a}·{b}·{c} " + ("길다 " * (60 if n % 5 == 0 and len(noise) > 1 else 0)),
                        "body": body, "published": f"2026-11-{(n % 20) + 1:02d}", "outlet": extra[:20] or "연합뉴스"})
    path = folder / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL for the session (tests/pg.py); a failure to start fails the tests that need it."""
    from tests.pg import PostgresUnavailable, TestServer
    server = TestServer()
    try:
        server.start()
    except (PostgresUnavailable, OSError, subprocess.SubprocessError) as exc:
        server.stop()
        pytest.fail(f"could not start the test PostgreSQL server: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """An empty, migrated archive database on the test server."""
    return pg_server.clean_archive()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path: Path):
    """An empty archive store on each backend in turn (the contract suite, tests/test_store_contract*.py)."""
    from briefings.store import open_store
    where = tmp_path / "archive.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    opened = open_store(where)
    yield opened
    opened.close()


@pytest.fixture
def pg_new_database(pg_server) -> str:
    """A brand-new database (no schema yet), dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
