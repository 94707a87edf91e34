"""CLI commands for news in and out of the archive: poll and sources (sources.yaml), export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefings.cli import _err, _json, _open, _out


def cmd_poll(args: argparse.Namespace) -> int:
    """Poll every source in sources.yaml (or the one named) once, now."""
    from datetime import UTC, datetime

    from briefings.feeds.config import load_sources
    from briefings.feeds.fetch import HttpClient
    from briefings.feeds.poll import poll_source

    archive = _open(args)
    try:
        sources = load_sources(archive.config_dir / "sources.yaml")
        if args.name:
            sources = [s for s in sources if s.name == args.name]
            if not sources:
                _err(f"error: no source named {args.name!r} in {archive.config_dir / 'sources.yaml'}")
                return 2
        if not sources:
            _out("no sources: add feeds or pages to sources.yaml")
            return 0
        http = HttpClient()
        reports = [poll_source(archive, s, http, datetime.now(UTC), force=args.force) for s in sources]
    finally:
        archive.close()
    if args.json:
        _json([vars(r) for r in reports])
    else:
        for report in reports:
            for item, reason in report.rejected:
                _err(f"rejected: {item}: {reason}")
            for note in report.notes:
                _err(f"note: {note}")
            _out(report.summary_line())
    return 1 if any(r.error for r in reports) else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from datetime import datetime

    from briefings.feeds.poll import sources_overview

    archive = _open(args)
    try:
        rows = sources_overview(archive, datetime.now().astimezone())
    finally:
        archive.close()
    if args.json:
        _json(rows)
        return 0
    if not rows:
        _out("no sources in sources.yaml")
    for r in rows:
        failing = f" · failing ×{r['failures']}: {r.get('last_error')}" if r.get("failures") else ""
        failing += f" · skipped: {r['skipped']}" if r.get("skipped") else ""
        _out(f"{r['name']} ({r['kind']}, every {r['interval_minutes']} min) {r['url']}")
        _out(f"    last success {r.get('last_success') or '-'} · items seen {r.get('items_seen', 0)} "
             f"(new {r.get('new_total', 0)}) · next {r['next_poll']}{failing}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from briefings.export import export_articles

    archive = _open(args)
    try:
        flt = archive.make_filter(args.company or [], args.theme or [], args.since, args.until)
        data = export_articles(archive.store.articles(flt, args.limit), archive.taxonomy, args.format)
    finally:
        archive.close()
    if args.output:
        Path(args.output).write_bytes(data)
        _err(f"wrote {len(data):,} bytes to {args.output}")
    else:
        sys.stdout.buffer.write(data)
    return 0


def ingest_urls(args: argparse.Namespace, urls: list[str]) -> bool:
    """`briefings ingest URL…`: each a feed (every item) or an article page; True if any failed."""
    from datetime import UTC, datetime

    from briefings.feeds.fetch import HttpClient
    from briefings.feeds.poll import ingest_url

    archive = _open(args)
    try:
        http = HttpClient()
        reports = [ingest_url(archive, url, http, datetime.now(UTC)) for url in urls]
    finally:
        archive.close()
    for report in reports:
        for item, reason in report.rejected:
            _err(f"rejected: {item}: {reason}")
        (_err if report.error else _out)(f"{report.url}: error: {report.error}" if report.error
                                         else report.summary_line().replace(f"{report.source}: ", f"{report.url}: ", 1))
    return any(r.error for r in reports)


def cmd_trend(args: argparse.Namespace) -> int:
    """Article counts per day/week/month for companies or themes; a PNG with --output."""
    from datetime import datetime

    from briefings.charts import render_png, trend

    archive = _open(args)
    try:
        chart = trend(archive, args.names, args.period, datetime.now().astimezone().date())
    finally:
        archive.close()
    if args.json:
        _json({"unit": chart.unit, "buckets": [b.isoformat() for b in chart.buckets], "series": chart.series})
    else:
        _out(chart.as_text())
    if args.output:
        data = render_png(chart)
        Path(args.output).write_bytes(data)
        _err(f"wrote {len(data):,} bytes to {args.output}")
    return 0
