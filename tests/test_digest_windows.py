"""Digest windows mean what the channel says: its timezone's today, and since-last digests that
neither overlap nor leave gaps, composed as the archive stood at the slot."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import ArchiveWorker, Deliverer
from briefings.archive import Archive
from tests.conftest import CONFIG, write_channels
from tests.fakes.inprocess import FakeTime, RecordingPoster

SLOT_1 = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 08:30 on the 23rd in Seoul; still the 22nd in UTC
SLOT_2 = SLOT_1 + timedelta(days=1)


def article(folder, name: str, title: str, published: str):
    body = (f"{title} 소식이다. KT는 {title} 관련 새 서비스를 내놓았다고 밝혔다. 고객 반응이 좋았다고 회사는 "
            f"설명했다. 업계는 {title} 경쟁이 치열해질 것으로 내다봤다.")
    path = folder / f"{name}.jsonl"
    path.write_text(json.dumps({"title": f"{title} 기사", "body": body, "published": published,
                                "outlet": "테스트일보"}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def world(tmp_path):
    clock = FakeTime(SLOT_1 - timedelta(hours=2))  # the server runs on UTC
    worker = ArchiveWorker(lambda: Archive.open(CONFIG, tmp_path / "w.sqlite3", clock=clock))
    yield worker, clock, tmp_path
    worker.close()


def channels(folder, window: str):
    return write_channels(folder, f"""  - name: daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    timezone: Asia/Seoul
    digest: {{group: company, window: "{window}", max_stories: 20}}
""")


async def test_a_one_day_window_is_the_channels_today_not_the_servers(world):
    worker, clock, folder = world
    await worker.write(lambda a: a.ingest([article(folder, "a", "요금제 개편", "2026-11-23")]))  # Seoul's today
    await worker.write(lambda a: a.ingest([article(folder, "b", "로밍 할인", "2026-11-21")]))  # two days before
    config = channels(folder, "1d")
    poster = RecordingPoster()
    clock.now = SLOT_1
    await Deliverer(worker, config, {"console": poster}, clock).deliver(config.by_name()["daily"], SLOT_1)
    text = "\n".join(poster.texts)
    assert "요금제 개편 기사" in text and "로밍 할인 기사" not in text


async def test_since_last_digests_neither_overlap_nor_leave_a_gap(world):
    worker, clock, folder = world
    config = channels(folder, "since-last")
    channel = config.by_name()["daily"]
    clock.now = SLOT_1 - timedelta(hours=1)
    await worker.write(lambda a: a.ingest([article(folder, "a", "요금제 개편", "2026-11-22")]))
    clock.now = SLOT_1 + timedelta(minutes=5)  # archived after the slot, before the digest was composed
    await worker.write(lambda a: a.ingest([article(folder, "b", "로밍 할인", "2026-11-23")]))
    first, second = RecordingPoster(), RecordingPoster()
    await Deliverer(worker, config, {"console": first}, clock).deliver(channel, SLOT_1)
    clock.now = SLOT_2 - timedelta(hours=3)
    await worker.write(lambda a: a.ingest([article(folder, "c", "위성 통신", "2026-11-23")]))
    clock.now = SLOT_2
    await Deliverer(worker, config, {"console": second}, clock).deliver(channel, SLOT_2)
    one, two = "\n".join(first.texts), "\n".join(second.texts)
    assert "요금제 개편 기사" in one and "로밍 할인 기사" not in one  # b came after slot 1: it is slot 2's
    assert "로밍 할인 기사" in two and "위성 통신 기사" in two and "요금제 개편 기사" not in two


async def test_a_digest_recomposed_after_a_restart_holds_what_the_slot_held(world):
    worker, clock, folder = world
    config = channels(folder, "7d")
    channel = config.by_name()["daily"]
    await worker.write(lambda a: a.ingest([article(folder, "a", "요금제 개편", "2026-11-22")]))
    clock.now = SLOT_1 + timedelta(hours=2)  # down at 08:30; meanwhile a new article came in
    await worker.write(lambda a: a.ingest([article(folder, "b", "로밍 할인", "2026-11-23")]))
    poster = RecordingPoster()
    await Deliverer(worker, config, {"console": poster}, clock).deliver(channel, SLOT_1)
    text = "\n".join(poster.texts)
    assert "요금제 개편 기사" in text and "로밍 할인 기사" not in text


def test_a_digest_that_reads_only_part_of_its_window_says_so(seeded, monkeypatch):
    from briefings.digest import compose
    from briefings.digest.spec import DigestSpec
    assert not any("only the newest" in n for n in seeded.compose_digest(DigestSpec(group="grid")).notes)
    monkeypatch.setattr(compose, "MAX_ARTICLES", 3)  # five seeds, a cap of three: the cap applies
    notes = seeded.compose_digest(DigestSpec(group="grid")).notes
    assert any("only the newest 3 articles" in n for n in notes)


async def test_an_article_arriving_late_with_an_old_date_reaches_the_next_since_last_digest_once(world):
    worker, clock, folder = world
    config = channels(folder, "since-last")
    channel = config.by_name()["daily"]
    clock.now = SLOT_1 - timedelta(hours=1)
    await worker.write(lambda a: a.ingest([article(folder, "a", "요금제 개편", "2026-11-22")]))
    first, second, third = RecordingPoster(), RecordingPoster(), RecordingPoster()
    await Deliverer(worker, config, {"console": first}, clock).deliver(channel, SLOT_1)
    clock.now = SLOT_2 - timedelta(hours=2)  # a feed delivers a story from three weeks ago
    await worker.write(lambda a: a.ingest([article(folder, "old", "늦게 온 소식", "2026-11-01")]))
    clock.now = SLOT_2
    await Deliverer(worker, config, {"console": second}, clock).deliver(channel, SLOT_2)
    clock.now = SLOT_2 + timedelta(days=1)
    await Deliverer(worker, config, {"console": third}, clock).deliver(channel, SLOT_2 + timedelta(days=1))
    assert "늦게 온 소식 기사" in "\n".join(second.texts)
    assert "늦게 온 소식 기사" not in "\n".join(first.texts + third.texts)


def test_arrival_windows_compare_instants_whatever_offset_the_clock_wrote(tmp_path):
    """Two archives' clocks in different zones: the same instant bounds select the same articles."""
    from zoneinfo import ZoneInfo

    from briefings.store.base import ArticleFilter
    for zone in ("Asia/Seoul", "America/New_York", "UTC"):
        clock = FakeTime(SLOT_1.astimezone(ZoneInfo(zone)))
        archive = Archive.open(CONFIG, tmp_path / f"{zone.replace('/', '_')}.sqlite3", clock=clock)
        try:
            archive.ingest([article(tmp_path, "a", "요금제 개편", "2026-11-22")])
            clock.now = (SLOT_1 + timedelta(hours=2)).astimezone(ZoneInfo(zone))
            archive.ingest([article(tmp_path, "b", "로밍 할인", "2026-11-23")])
            after = archive.store.articles(ArticleFilter(ingested_after=SLOT_1 + timedelta(hours=1)))
            until = archive.store.articles(ArticleFilter(ingested_until=SLOT_1))
            assert [a.title for a in after] == ["로밍 할인 기사"], zone
            assert [a.title for a in until] == ["요금제 개편 기사"], zone
        finally:
            archive.close()
