"""Shared fixtures: the shipped config, and a session-wide archive of the seeds (kiwi is slow to load)."""

from __future__ import annotations

import shutil
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
