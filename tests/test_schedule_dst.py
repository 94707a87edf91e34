"""Schedules across daylight saving: one post per local slot, no loop, missed slots logged."""

from __future__ import annotations

import itertools
import logging
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.channels import ChannelSpec, load_channels
from bot.scheduler import due_slot, log_missed_slots
from briefings.analysis.taxonomy import load_taxonomy
from briefings.errors import ConfigError
from tests.conftest import CONFIG


def channel(schedule: str, tz: str) -> ChannelSpec:
    return ChannelSpec(name="dst", platform="console", channel="c", schedule=schedule, timezone=tz)


def fire_times(spec: ChannelSpec, start: datetime, count: int) -> list[datetime]:
    """What APScheduler does: ask for the next fire time after the previous one, `now` just past it."""
    trigger, previous, now, out = spec.trigger(), None, start, []
    for _ in range(count):
        nxt = trigger.get_next_fire_time(previous, now)
        out.append(nxt)
        previous, now = nxt, nxt + timedelta(seconds=1)
    return out


def local_walls(times: list[datetime], tz: str) -> list[str]:
    return [t.astimezone(ZoneInfo(tz)).strftime("%m-%d %H:%M") for t in times]


@pytest.mark.parametrize(("tz", "schedule", "start", "expected"), [
    # fall back: 01:30 happens twice on Nov 1 in New York, 02:30 twice on Oct 25 in Berlin
    ("America/New_York", "30 1 * * *", datetime(2026, 10, 31, tzinfo=UTC), ["10-31 01:30", "11-01 01:30",
                                                                              "11-02 01:30", "11-03 01:30"]),
    ("Europe/Berlin", "30 2 * * *", datetime(2026, 10, 24, tzinfo=UTC), ["10-24 02:30", "10-25 02:30",
                                                                         "10-26 02:30", "10-27 02:30"]),
    # spring forward: 02:30 does not exist on that day; it fires once, right after the jump
    ("America/New_York", "30 2 * * *", datetime(2026, 3, 7, tzinfo=UTC), ["03-07 02:30", "03-08 03:30",
                                                                           "03-09 02:30", "03-10 02:30"]),
    ("Europe/Berlin", "30 2 * * *", datetime(2026, 3, 28, tzinfo=UTC), ["03-28 02:30", "03-29 03:30",
                                                                        "03-30 02:30", "03-31 02:30"]),
])
def test_one_post_per_local_day_across_both_transitions(tz, schedule, start, expected):
    times = fire_times(channel(schedule, tz), start, 4)
    assert local_walls(times, tz) == expected
    assert all(a < b for a, b in itertools.pairwise(times))


def test_a_schedule_inside_the_repeated_hour_names_each_wall_time_once():
    times = fire_times(channel("*/20 1 * * *", "America/New_York"), datetime(2026, 11, 1, 4, tzinfo=UTC), 4)
    assert local_walls(times, "America/New_York") == ["11-01 01:00", "11-01 01:20", "11-01 01:40", "11-02 01:00"]
    assert all(a < b for a, b in itertools.pairwise(times))


@pytest.mark.parametrize("minutes_after_second_0130", [0, 1, 30, 59])
def test_due_slot_returns_during_the_repeated_hour(minutes_after_second_0130):
    # The console froze here for good: due_slot looped on the second 01:30 forever.
    spec = channel("30 1 * * *", "America/New_York")
    now = datetime(2026, 11, 1, 6, 30, tzinfo=UTC) + timedelta(minutes=minutes_after_second_0130)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(due_slot(spec, now, 7200)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result, "due_slot did not return"
    assert result[0] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first (and only) 01:30 slot
    assert due_slot(spec, now, 900) is None  # the only 01:30 was an hour ago


def test_a_cron_line_that_never_fires_is_refused_at_check_time(tmp_path):
    path = tmp_path / "channels.yaml"
    path.write_text('channels:\n  - name: feb30\n    platform: console\n    channel: c\n'
                    '    schedule: "0 0 30 2 *"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_channels(path, load_taxonomy(CONFIG))
    [problem] = info.value.problems
    assert problem.line == 5 and "never fires" in problem.message


def test_slots_missed_beyond_the_grace_window_are_logged(caplog):
    spec = channel("30 8 * * *", "Asia/Seoul")
    last = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # the 21st's 08:30 in Seoul was posted
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # down until the 24th at noon in Seoul
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert log_missed_slots(spec, last, now, 900) == 3
    assert "3 slot(s) missed" in caplog.text and "2026-11-21T23:30:00+00:00" in caplog.text
    assert log_missed_slots(spec, None, now, 900) == 0
