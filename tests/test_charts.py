"""Trend charts: valid PNGs of the expected size, Hangul drawn (no missing glyphs), deterministic."""

from __future__ import annotations

import struct
import warnings
from datetime import date

import pytest

from briefings.archive import QueryError
from briefings.charts import render_png, trend

TODAY = date(2021, 12, 31)  # the seeds run from 2011 to 2021


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_a_trend_chart_is_a_phone_sized_png_with_hangul_and_the_same_bytes_each_time(seeded):
    chart = trend(seeded, ["KT", "sk텔레콤", "esg"], "10y", TODAY)
    assert chart.unit == "month" and set(chart.series) == {"KT", "SK텔레콤", "사회공헌·ESG"}
    assert sum(chart.series["KT"]) >= 1  # the dated KT seed (most seeds state no date)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = render_png(chart)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []  # every Hangul glyph found in the bundled font
    assert png_size(first) == (800, 450) and len(first) > 10_000  # lines, legend and labels, not a blank frame
    assert render_png(trend(seeded, ["KT", "sk텔레콤", "esg"], "10y", TODAY)) == first


@pytest.mark.parametrize(("period", "unit", "buckets"), [("30d", "day", 30), ("12w", "week", 13), ("2y", "week", 105)])
def test_the_bucket_follows_the_period(seeded, period, unit, buckets):
    chart = trend(seeded, ["KT"], period, TODAY)
    assert chart.unit == unit and abs(len(chart.buckets) - buckets) <= 1


@pytest.mark.parametrize("names", [[], ["nokia"], ["KT"] * 7])
def test_bad_names_are_bad_input(seeded, names):
    with pytest.raises(QueryError):
        trend(seeded, names, "30d", TODAY)


def test_cli_trend_writes_the_png_and_prints_the_numbers(seeded_db, tmp_path, capsys):
    import shutil

    from bot.cli import main
    from tests.conftest import CONFIG
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    out = tmp_path / "kt.png"
    assert main(["trend", "KT", "LGU+", "--period", "10y", "-o", str(out), "--db", str(db),
                 "--config", str(CONFIG)]) == 0
    printed = capsys.readouterr()
    assert "KT: total" in printed.out and "LG유플러스: total" in printed.out and "wrote" in printed.err
    assert png_size(out.read_bytes()) == (800, 450)


async def test_a_grid_digest_attaches_its_grid_as_an_image_once(archive_worker, tmp_path):
    from datetime import UTC, datetime

    from bot.delivery import Deliverer
    from tests.conftest import write_channels

    class Poster:
        def __init__(self):
            self.texts, self.files = [], []

        async def post(self, channel, payload, *, key, thread_ref, resume):
            self.texts.append(payload["text"])
            return "ref"

        async def post_file(self, channel, name, data, comment):
            self.files.append((name, data, comment))

    config = write_channels(tmp_path, """  - name: grid-daily
    platform: console
    channel: t
    schedule: "30 8 * * *"
    chart: grid
    digest: {group: grid, window: all}
""")
    slot = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    poster = Poster()
    channel = config.by_name()["grid-daily"]
    await Deliverer(archive_worker, config, {"console": poster}, lambda: slot).deliver(channel, slot)
    [(name, png, comment)] = poster.files
    assert name == "grid.png" and png_size(png) == (800, 450) and "기업 × 테마" in comment
    assert await Deliverer(archive_worker, config, {"console": poster}, lambda: slot).deliver(channel, slot) == 0
    assert len(poster.files) == 1


def test_chart_grid_needs_a_grid_digest(tmp_path):
    from briefings.errors import ConfigError
    from tests.conftest import write_channels
    with pytest.raises(ConfigError, match="chart: grid needs digest group: grid"):
        write_channels(tmp_path, """  - name: x
    platform: console
    channel: t
    schedule: "30 8 * * *"
    chart: grid
    digest: {group: company}
""")
