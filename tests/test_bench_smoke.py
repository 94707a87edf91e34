"""The benchmark harness on a tiny archive: deterministic, valid, searchable; not a timed test.

The pool is built from the seeds alone (no dev corpus), so this runs on a fresh clone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.archive import Archive
from briefings.commands import CommandContext, Commands
from briefings.digest.fingerprint import article_fingerprint
from briefings.search import article_terms
from tests.bench import commands, digests
from tests.bench.generate import NOW, cached_archive, generate
from tests.bench.pool import PoolSpec, load_pool
from tests.conftest import CONFIG

SIZE = 200


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory):
    return load_pool(PoolSpec(corpus=None, tail_nouns=400), tmp_path_factory.mktemp("pool"), progress=False)


@pytest.fixture(scope="module")
def archive_file(pool, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, meta = cached_archive(SIZE, pool, tmp_path_factory.mktemp("cache"), progress=False)
    assert meta["articles"] == SIZE and meta["bytes_per_article"] > 0
    return path


def test_the_generator_is_deterministic(pool):
    first = [a.to_dict() for a in generate(pool, SIZE)]
    again = [a.to_dict() for a in generate(pool, SIZE)]
    assert first == again
    assert len({a["id"] for a in first}) == SIZE
    assert first != [a.to_dict() for a in generate(pool, SIZE, seed=1)]


def test_generated_articles_carry_what_the_builder_would_compute(pool):
    for article in generate(pool, SIZE):
        # the fingerprint assembled from the pieces is the one briefings computes from the terms
        assert article.fingerprint == article_fingerprint(article)
        morphemes, forms = article.terms.split("\n")
        assert len(morphemes.split()) > 10 and len(forms.split()) > 10
        assert article.summary and article.story_terms and article.published
        for tag in article.companies:
            for evidence in tag.evidence:  # evidence still points into the article's own text
                assert evidence.text in article.paragraphs[evidence.paragraph].text or evidence.paragraph == -1


def test_the_assembled_terms_match_a_fresh_analysis_closely(pool):
    """The recombined search entry is the real analyser's up to gaps at piece joins."""
    article = next(iter(generate(pool, 1)))
    fresh = set(article_terms(article).split())
    assembled = set(article.terms.split())
    assert len(fresh & assembled) / len(fresh | assembled) > 0.95


def test_the_archive_answers_commands_and_finds_its_rare_words(pool, archive_file: Path):
    archive = Archive.open(CONFIG, archive_file, clock=lambda: NOW)
    try:
        assert archive.store.count() == SIZE
        run = Commands(CommandContext(archive, clock=lambda: NOW)).run_text
        tail_word = next(w for w, _ in pool.tail if w not in {"관련", "내용"})
        assert archive.search(tail_word).page.hits
        for case in commands.cases(pool, SIZE):
            for line in case.variants[:2]:
                reply = run(line)
                assert reply.digest.title, line
        brief = run("brief KT")
        assert not brief.error and not brief.digest.empty
        assert not run(f"why {commands.article_ids(SIZE, 1)[0][:8]}").error
        result = digests.run(CONFIG, str(archive_file), count=20)
        assert result["composed"] == 20 and result["stories_shown"] > 0
        baseline = commands.baselines(archive_file, tail_word, reps=1)
        assert baseline["python_grid_count"]["cells_total"] > 0
    finally:
        archive.close()


def test_a_cached_archive_is_reused(pool, archive_file: Path):
    path, _ = cached_archive(SIZE, pool, archive_file.parent, progress=False)
    assert path == archive_file
