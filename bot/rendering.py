"""Rendering off the event loop and off the archive thread.

A user's template may take up to the sandbox's time limit; on the event loop that would stall every
platform's heartbeats and acks, and on the archive thread every other command. Renders run in the
default executor instead (the sandbox's time guard is per thread, so it still applies).
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from briefings.digest.model import Digest
from briefings.formats import render
from briefings.templating import TemplateSet

_charts_loaded = False


async def chart_png(chart: Any) -> bytes:
    """A reply's chart drawn to PNG in a worker thread (matplotlib takes a few hundred ms)."""
    global _charts_loaded
    from briefings.charts import render_png
    png = await asyncio.to_thread(render_png, chart)
    if not _charts_loaded:
        # matplotlib's many lasting objects (loaded by the first chart) join what start-up froze
        # (bot/app.py): left in the collector's reach, they slowed every later reply's collections
        _charts_loaded = True
        gc.freeze()
    return png


async def attachment(reply: Any) -> tuple[str, bytes] | None:
    """The file a reply carries, if any: its chart drawn to PNG, or its file as it is."""
    if getattr(reply, "chart", None) is not None:
        return "trend.png", await chart_png(reply.chart)
    return getattr(reply, "file", None)


async def render_off_loop(digest: Digest, fmt: str, templates: TemplateSet, **options: Any) -> list[dict[str, Any]]:
    return await asyncio.to_thread(render, digest, fmt, templates, **options)
