"""Leases in the archive and the leadership they give: one process fires a platform's scheduled jobs,
another takes over within a bounded time when it stops, and first posts what fell due meanwhile."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from bot.delivery import Deliverer
from tests.test_several_processes import SLOT, poll


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_lease_is_held_by_one_owner_until_it_lapses_or_is_released(backend, request, tmp_path):
    from briefings.store import open_store
    location = tmp_path / "lease.sqlite3" if backend == "sqlite" else request.getfixturevalue("pg_url")
    stores = [open_store(location) for _ in range(2)]  # a connection each, as two processes have
    a, b = stores
    minute = timedelta(minutes=1)
    try:
        assert a.hold_lease("scheduler:slack", "a", SLOT, SLOT + minute)
        assert not b.hold_lease("scheduler:slack", "b", SLOT, SLOT + minute)
        assert b.hold_lease("scheduler:discord", "b", SLOT, SLOT + minute)  # another lease, another holder
        assert a.hold_lease("scheduler:slack", "a", SLOT + minute / 2, SLOT + 2 * minute)  # renewed
        assert not b.hold_lease("scheduler:slack", "b", SLOT + 1.5 * minute, SLOT + 3 * minute)
        assert b.hold_lease("scheduler:slack", "b", SLOT + 2 * minute, SLOT + 3 * minute)  # lapsed: taken
        assert not a.hold_lease("scheduler:slack", "a", SLOT + 2 * minute, SLOT + 3 * minute)
        b.release_lease("scheduler:slack", "a")  # only the holder can give it up
        assert not a.hold_lease("scheduler:slack", "a", SLOT + 2 * minute, SLOT + 3 * minute)
        b.release_lease("scheduler:slack", "b")
        assert a.hold_lease("scheduler:slack", "a", SLOT + 2 * minute, SLOT + 3 * minute)
        assert not b.hold_lease("scheduler:slack", "b", SLOT, SLOT + minute, owner_gone=lambda o: o == "b")
        assert b.hold_lease("scheduler:slack", "b", SLOT, SLOT + minute, owner_gone=lambda o: o == "a")
    finally:
        for store in stores:
            store.close()


async def test_one_leader_fires_and_a_standby_takes_over_within_the_bound_when_it_stops(two_processes, caplog):
    import logging

    from bot.leadership import Leadership
    from tests.fakes.inprocess import FakeTime
    (first_worker, second_worker), _ = two_processes
    time = FakeTime(SLOT)
    taken: list[set[str]] = []
    gained_at: list = []

    async def on_gain(won: set[str]) -> None:
        taken.append(won)
        gained_at.append(time.now)  # the fake clock runs on while the test waits: note it at the takeover

    names = {"scheduler:slack"}
    first = Leadership(first_worker, names, time, lease_seconds=30, owner="elsewhere:1:a", sleep=time.sleep)
    second = Leadership(second_worker, names, time, lease_seconds=30, owner="elsewhere:2:b", sleep=time.sleep,
                        on_gain=on_gain)
    fired: list[str] = []

    async def job(who: str) -> None:
        fired.append(who)

    caplog.set_level(logging.INFO, logger="bot.leadership")
    assert await first.hold() == names and await second.hold() == set()
    for _ in range(3):  # the leader renews; the standby keeps trying; each fires its gated job
        time.now += timedelta(seconds=10)
        await first.hold()
        await second.hold()
        await first.gate("scheduler:slack", job)("first")
        await second.gate("scheduler:slack", job)("second")
    assert fired == ["first"] * 3 and taken == []
    stopped = time.now  # the leader stops renewing (killed on another host: only the lapse tells)
    standby = asyncio.create_task(second.run())
    # The standby's store calls run on its worker thread: wait for the observable change, bounded in
    # wall time (a loaded machine may need more than a fixed number of loop turns), not in fake time.
    deadline = asyncio.get_running_loop().time() + 30
    while not second.leads("scheduler:slack") and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.005)
    standby.cancel()
    assert second.leads("scheduler:slack") and taken == [names]
    assert gained_at[0] - stopped <= timedelta(seconds=30 + 10)  # the lease, plus one renewal interval
    await first.gate("scheduler:slack", job)("first")  # the old leader, back from a stall, does not fire
    await second.gate("scheduler:slack", job)("second")
    assert fired == ["first"] * 3 + ["second"] and not first.leads("scheduler:slack")
    said = [r.getMessage().split(":")[0] for r in caplog.records]
    assert said.count("leading scheduler") == 2 and said.count("standby for scheduler") == 2  # once per change
    await second.release()
    assert await first.hold() == names  # released: the other takes it at its next try, not at a lapse


async def test_a_lease_of_a_dead_process_on_this_host_is_taken_at_the_next_try(two_processes):
    from bot.delivery import process_owner
    from bot.leadership import Leadership
    (worker, _), _ = two_processes
    host = process_owner().split(":")[0]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    here, there = {"scheduler:console"}, {"scheduler:slack"}
    await Leadership(worker, here, lambda: SLOT, owner=f"{host}:{dead.stdout.strip()}:dead").hold()
    await Leadership(worker, there, lambda: SLOT, owner=f"elsewhere:{dead.stdout.strip()}:dead").hold()
    contender = Leadership(worker, here | there, lambda: SLOT)  # well inside both leases
    assert await contender.hold() == here  # the same pid on another host proves nothing: wait for the lapse


async def test_a_standby_taking_over_posts_the_slot_that_fell_due_while_nobody_led(two_processes):
    from bot.leadership import Leadership
    from bot.scheduler import catch_up
    from tests.fakes.inprocess import FakeTime, RecordingPoster
    (first_worker, second_worker), config = two_processes
    channel = config.by_name()["daily"]
    time = FakeTime(SLOT - timedelta(minutes=5))
    poster = RecordingPoster()
    deliverer = Deliverer(second_worker, config, {"console": poster}, time)
    caught_up: list[asyncio.Task] = []
    taken_at: list[datetime] = []

    async def take_over(won: set[str]) -> None:
        taken_at.append(time.now)
        caught_up.extend(await catch_up(second_worker, [channel], deliverer.deliver, time,
                                        config.misfire_grace_seconds, lambda c: c.name))

    names = {"scheduler:console"}
    lease = 600  # the leader dies five minutes before the slot and its lease runs five minutes past it
    assert await Leadership(first_worker, names, time, lease_seconds=lease, owner="elsewhere:1:a").hold() == names
    standby = Leadership(second_worker, names, time, lease_seconds=lease, owner="elsewhere:2:b", sleep=time.sleep,
                         on_gain=take_over)
    assert await standby.hold() == set() and caught_up == []
    renewing = asyncio.create_task(standby.run())
    await poll(lambda: bool(caught_up), 10, lambda: time.now)
    renewing.cancel()
    assert SLOT + timedelta(minutes=5) <= taken_at[0] <= SLOT + timedelta(minutes=5, seconds=lease / 3)
    assert sum(await asyncio.gather(*caught_up)) == len(poster.texts) >= 1
    status = await second_worker.write(lambda a: a.store.delivery_status("daily"))
    assert status["slot"] == SLOT.isoformat() and status["status"] == "posted"
