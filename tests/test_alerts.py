"""Coverage alerts, driven by injected time and a synthetic stream of arrivals: a spike alerts once,
a normal day never, quiet hours hold the alert until they end, and a day has a cap."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts import check_alerts
from bot.delivery import ArchiveWorker
from briefings.alerts import AlertSpec, find_spikes
from briefings.archive import Archive
from tests.conftest import CONFIG, write_channels
from tests.fakes.inprocess import FakeTime, RecordingPoster

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 12:00 in Seoul


STORIES = ["요금제 개편", "위성 통신", "로밍 할인", "인공지능 비서", "데이터센터 증설", "보안 사고 대응", "해외 진출",
           "고객 보상", "기지국 투자", "신임 대표 취임", "노사 합의", "주주 총회"]


def arrive(archive: Archive, clock: FakeTime, folder, at: datetime, n: int, tag: str) -> None:
    """`n` distinct articles about KT arriving at `at` (the archive's clock says when)."""
    clock.now = at
    path = folder / f"{tag}.jsonl"
    lines = []
    for i in range(n):
        story = f"{STORIES[i % len(STORIES)]} {tag} {i}"
        body = (f"KT는 {story} 계획을 발표했다고 밝혔다. KT 관계자는 이번 {story} 결정이 고객에게 도움이 될 것이라고 "
                f"설명했다. 업계는 KT의 {story} 행보에 주목하고 있다.")
        lines.append(json.dumps({"title": f"KT, {story}", "body": body, "published": at.date().isoformat(),
                                 "outlet": f"매체{i}"}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = archive.ingest([path])
    assert report.counts["added"] == n, report.rejected


@pytest.fixture
def world(tmp_path):
    clock = FakeTime(NOW)
    archive = Archive.open(CONFIG, tmp_path / "alerts.sqlite3", clock=clock)
    for week in range(1, 9):  # a normal Monday noon: one KT article in the three hours
        arrive(archive, clock, tmp_path, NOW - timedelta(weeks=week, hours=1), 1, f"w{week}")
    yield archive, clock, tmp_path
    archive.close()


def after_a_burst(world, alerts: str, *, minutes_ago: int = 30, destination: str = "platform: console\n    channel: t"
                  ) -> tuple:
    """Six KT articles arrive `minutes_ago`; returns the pr-alerts channel config and an archive worker
    for the bot's side (the test's own archive is closed first, as the bot holds its own)."""
    archive, clock, folder = world
    arrive(archive, clock, folder, NOW - timedelta(minutes=minutes_ago), 6, "burst")
    archive.close()
    config = write_channels(folder, f"""  - name: pr-alerts
    {destination}
    schedule: "30 8 * * *"
    alerts: {alerts}
""")
    return config, ArchiveWorker(lambda: Archive.open(CONFIG, folder / "alerts.sqlite3", clock=clock))


def test_a_spike_is_found_and_a_normal_day_is_not(world):
    archive, clock, folder = world
    spec = AlertSpec(companies=["KT"])
    arrive(archive, clock, folder, NOW - timedelta(hours=1), 1, "normal")
    assert find_spikes(archive, spec, NOW) == []  # one article, as on every Monday
    arrive(archive, clock, folder, NOW - timedelta(minutes=30), 5, "burst")
    [spike] = find_spikes(archive, spec, NOW)
    assert spike.company == "kt" and spike.count == 6 and spike.normal == 1.0


async def test_a_spike_is_posted_once_held_in_quiet_hours_and_capped(world):
    _, clock, _ = world
    config, worker = after_a_burst(world, "{companies: [KT], quiet_hours: [11, 13]}")
    poster = RecordingPoster()
    try:
        clock.now = NOW  # 12:00 in Seoul: quiet hours, held
        assert await check_alerts(worker, config, {"console": poster}, clock) == 0 and poster.texts == []
        clock.now = NOW + timedelta(hours=1, minutes=5)  # 13:05: the spike still stands, posted now
        assert await check_alerts(worker, config, {"console": poster}, clock) == 1
        text = poster.texts[0]
        assert "coverage spike: KT" in text and "6 articles in the last 3 h against 1.0 normally" in text
        assert "KT, " in text  # the stories behind it
        clock.now = NOW + timedelta(hours=1, minutes=15)  # the next check: the same spike is not told again
        assert await check_alerts(worker, config, {"console": poster}, clock) == 0 and len(poster.texts) == 1
    finally:
        worker.close()


async def test_alerts_a_day_are_capped(world):
    _, clock, _ = world
    config, worker = after_a_burst(world, "{companies: [KT, SKT], max_per_day: 1}")
    try:
        await worker.write(lambda a: a.store.set_state("alerts:pr-alerts:2026-11-23", "1", NOW))  # one already
        assert await check_alerts(worker, config, {"console": RecordingPoster()}, clock) == 0
    finally:
        worker.close()


async def test_the_same_spike_is_told_again_only_when_it_doubles(world):
    _, clock, folder = world
    config, worker = after_a_burst(world, "{companies: [KT], max_per_day: 5}", minutes_ago=40)
    poster = RecordingPoster()
    try:
        clock.now = NOW
        assert await check_alerts(worker, config, {"console": poster}, clock) == 1
        await worker.write(lambda a: arrive(a, clock, folder, NOW + timedelta(minutes=5), 3, "more"))
        clock.now = NOW + timedelta(minutes=10)  # 9 now: grown, but not doubled
        assert await check_alerts(worker, config, {"console": poster}, clock) == 0
        await worker.write(lambda a: arrive(a, clock, folder, NOW + timedelta(minutes=15), 4, "again"))
        clock.now = NOW + timedelta(minutes=20)  # 13: more than twice the first alert's 6
        assert await check_alerts(worker, config, {"console": poster}, clock) == 1
        assert "13 articles" in poster.texts[-1] and len(poster.texts) == 2
    finally:
        worker.close()


async def test_an_alert_as_posted_to_slack_through_slack_sdk(world):
    from tests.fakes.slack import FakeSlack
    from tests.test_slack import http_creds, start_adapter
    _, clock, _ = world
    config, worker = after_a_burst(world, "{companies: [KT]}", destination="platform: slack\n    channel: C0ALERT")
    fake = await FakeSlack().start()
    adapter, task = await start_adapter(worker, config, http_creds(fake))
    try:
        clock.now = NOW
        assert await check_alerts(worker, config, {"slack": adapter}, clock) == 1
        [message] = fake.messages["C0ALERT"]
        blocks = json.dumps(message["blocks"], ensure_ascii=False)
        assert "coverage spike: KT" in message["text"] and "6 articles in the last 3 h" in blocks
        assert message["metadata"]["event_payload"]["key"].startswith("alert:pr-alerts:kt@")
        [shared] = fake.shared_files  # the trend chart behind it, as a file in the channel
        assert shared["channel"] == "C0ALERT" and "KT: total" in shared["comment"]
        assert next(iter(fake.uploads.values()))[:8] == b"\x89PNG\r\n\x1a\n"
        assert await check_alerts(worker, config, {"slack": adapter}, clock) == 0  # once
        assert len(fake.messages["C0ALERT"]) == 1 and len(fake.shared_files) == 1
    finally:
        await adapter.close()
        await task
        await fake.close()
        worker.close()


async def test_an_alert_as_posted_to_discord_through_discord_py(world):
    from tests.fakes.discord import GUILD_ID, FakeDiscord
    from tests.test_discord import start_adapter
    _, clock, _ = world
    channel_id = "1400000000000000077"
    destination = f'platform: discord\n    guild: "{GUILD_ID}"\n    channel: "{channel_id}"'
    config, worker = after_a_burst(world, "{companies: [KT]}", destination=destination)
    fake = await FakeDiscord({channel_id: "pr"}).start()
    adapter, task = await start_adapter(fake, worker, config)
    try:
        clock.now = NOW
        assert await check_alerts(worker, config, {"discord": adapter}, clock) == 1
        message, chart = fake.messages[channel_id]
        [(name, png)] = fake.files[chart["id"]].items()
        assert name == "trend.png" and png[:8] == b"\x89PNG\r\n\x1a\n"
        embeds = json.dumps(message["embeds"], ensure_ascii=False)
        assert "coverage spike: KT" in embeds and "6 articles in the last 3 h" in embeds
        assert message["allowed_mentions"] == {"parse": []}
    finally:
        await adapter.close()
        await asyncio.wait_for(task, 30)
        await fake.close()
        worker.close()
