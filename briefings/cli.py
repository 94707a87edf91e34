"""The `briefings` command line: a thin layer over briefings.archive.Archive.

bot/cli.py adds the commands that need chat SDKs or the scheduler (run, check-config).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefings.archive import Archive, QueryError, SearchResult, parse_date_bound
from briefings.errors import BriefingsError
from briefings.models import Article
from briefings.textwidth import pad

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _json(data: Any) -> None:
    _out(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def article_brief(article: Article) -> dict[str, Any]:
    """The stable, machine-readable summary of an article used by search and digests."""
    return {
        "id": article.id,
        "title": article.title,
        "title_derived": article.title_derived,
        "published": article.published.iso() if article.published else None,
        "published_precision": article.published.precision if article.published else None,
        "outlet": article.outlet,
        "url": article.url,
        "companies": article.company_ids,
        "themes": article.theme_ids,
        "summary": article.summary,
    }


def _open(args: argparse.Namespace) -> Archive:
    return Archive.open(args.config, args.db)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def cmd_ingest(args: argparse.Namespace) -> int:
    from briefings.ingest.parallel import default_workers
    from briefings.ingest.progress import ProgressLine

    urls = [p for p in args.paths if p.startswith(("http://", "https://"))]
    if urls:  # a feed or an article page, read once as a source would be
        from briefings.cli_data import ingest_urls
        failed = ingest_urls(args, urls)
        if len(urls) == len(args.paths):
            return 1 if failed else 0
    archive = _open(args)
    paths = [Path(p) for p in args.paths if p not in urls]
    tty = sys.stderr.isatty()
    line = ProgressLine(sys.stderr, tty) if (args.progress or tty) and not args.json else None
    try:
        report = archive.ingest(paths, line, workers=args.workers or default_workers())
    finally:
        if line:
            line.close()
        archive.close()
    if args.json:
        _json({"counts": report.counts, "items": [vars(i) for i in report.items]})
    else:
        for item in report.items:
            if item.status == "rejected":
                _err(f"rejected: {item.source}: {item.reason}")
            elif item.status == "duplicate":
                _out(f"duplicate: {item.source} ({item.reason})")
            elif args.verbose:
                _out(f"{item.status}: {item.source} → {item.article_id}")
        _out(report.summary_line())
    return 1 if report.rejected else 0


def _date_label(article: Article) -> str:
    return article.published.iso() if article.published else "date unknown"


def print_search(result: SearchResult, archive: Archive) -> None:
    page = result.page
    for note in result.notes:
        _out(f"note: {note}")
    if not page.hits:
        _out(f"nothing found for {result.query!r}" + (" with these filters" if result.companies or result.themes
                                                       or result.since or result.until else ""))
        return
    tax = archive.taxonomy
    for n, hit in enumerate(page.hits, start=page.offset + 1):
        a = hit.article
        companies = ", ".join(tax.company_name(c) for c in a.company_ids) or "-"
        _out(f"{n:>3}. [{a.id}] {a.title}")
        _out(f"     {_date_label(a)} · {a.outlet or 'outlet unknown'} · {companies}")
        if a.summary:
            _out(f"     {a.summary[0]}")
    if page.has_more:
        _out(f"more results: --offset {page.offset + page.limit}")


def cmd_search(args: argparse.Namespace) -> int:
    archive = _open(args)
    try:
        result = archive.search(args.query, args.company or [], args.theme or [], args.since, args.until,
                                args.limit, args.offset)
        if args.json:
            _json({"query": result.query, "filters": {
                "companies": result.companies, "themes": result.themes,
                "since": result.since, "until": result.until},
                "offset": result.page.offset, "has_more": result.page.has_more, "notes": result.notes,
                "results": [article_brief(h.article) for h in result.page.hits]})
        else:
            print_search(result, archive)
    finally:
        archive.close()
    return 0


def _show_text(article: Article, archive: Archive) -> None:
    tax = archive.taxonomy
    _out(f"{article.title}" + ("  (derived title)" if article.title_derived else ""))
    _out(f"id {article.id} · {_date_label(article)}"
         + (f" {article.published_time}" if article.published_time else "")
         + (f" ({article.published.precision} precision)" if article.published else "")
         + f" · {article.outlet or 'outlet unknown'}")
    if article.reporter.name or article.reporter.email:
        _out(f"reporter: {article.reporter.name or '?'} {article.reporter.email or ''}".rstrip())
    _out(f"source: {article.source} · ingested {article.ingested_at}")
    _out()
    for para in article.paragraphs:
        prefix = {"subhead": "## ", "caption": "[caption] "}.get(para.kind, "")
        _out(prefix + para.text)
    _out()
    _out("companies:")
    for tag in article.companies:
        words = sorted({e.text for e in tag.evidence})
        _out(f"  {tax.company_name(tag.company)}: {'about' if tag.about else 'mention'}, salience {tag.salience:.2f};"
             f" {tag.mentions} mentions in paragraphs {tag.paragraphs}"
             f" (+{len(tag.inherited_paragraphs)} by section); matched {', '.join(words)}")
    _out("themes:")
    for tag in article.themes:
        words = sorted({e.text for e in tag.evidence})
        _out(f"  {tax.theme_label(tag.theme)} ({tag.theme}) score {tag.score}: {', '.join(words)}")
    if article.people:
        _out("people: " + "; ".join(f"{p.name} {p.role or ''}"
                                    + (f" ({tax.company_name(p.company)})" if p.company else "")
                                    for p in article.people))
    for quote in article.quotes:
        who = f"{quote.speaker} {quote.role or ''}".strip() if quote.speaker else quote.role or "unattributed"
        _out(f'quote: {who}: "{quote.text}"')


def cmd_show(args: argparse.Namespace) -> int:
    archive = _open(args)
    try:
        article = archive.get(args.id)
        if article is None:
            _err(f"no article with id {args.id!r}")
            return 2
        if args.json:
            _json(article.to_dict())
        else:
            _show_text(article, archive)
    finally:
        archive.close()
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    archive = _open(args)
    try:
        stats = archive.store.stats()
        if args.json:
            _json(stats)
            return 0
        tax = archive.taxonomy
        names = {"company": lambda c: tax.company_name(c) if c in tax.company_ids else c,
                 "theme": lambda t: f"{tax.theme_label(t)} ({t})" if t in tax.theme_ids else t}
        _out(f"articles: {stats['articles']['total']}")
        for section in ("company", "theme", "outlet", "year", "sources"):
            _out(f"by {section}:")
            for key, value in stats[section].items():
                _out(f"  {pad(names.get(section, str)(key), 34)} {value:>6}")
    finally:
        archive.close()
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from briefings.digest.spec import DigestSpec
    from briefings.templating import TemplateSet

    archive = _open(args)
    try:
        window = args.window
        if args.since:
            today = archive.clock().date()
            start = parse_date_bound(args.since, end=False, today=today)
            window = f"{start.isoformat()}..{today.isoformat()}"
        try:
            spec = DigestSpec(group=args.group, companies=args.company or [], themes=args.theme or [],
                              window=window, max_stories=args.max_stories, language=args.lang,
                              include_keywords=args.include or [], exclude_keywords=args.exclude or [])
        except ValidationError as exc:
            raise QueryError("; ".join(e["msg"] for e in exc.errors())) from None
        digest = archive.compose_digest(spec)
        templates = TemplateSet(Path(args.templates)) if args.templates else None
        payloads = archive.render_digest(digest, args.format, templates, thread=args.thread)
    finally:
        archive.close()
    if args.json:
        _json(payloads if args.format in ("slack", "discord") else {"digest": digest.to_dict(), "messages": payloads})
    else:
        for n, payload in enumerate(payloads):
            if n:
                _out("\n" + "─" * 40)
            _out(payload["text"] if "text" in payload and "blocks" not in payload else json.dumps(
                payload, ensure_ascii=False, indent=2))
    return 0


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--config", default=default, help="config folder (default: $BRIEFINGS_CONFIG_DIR or ./config)")
    parser.add_argument("--db", default=default, help="archive file or postgresql:// URL (default: from "
                        "briefings.yaml, $BRIEFINGS_DB or $BRIEFINGS_DATABASE_URL)")


# The global options are accepted after the command too (`briefings search 고객 --db FILE`): each
# command's parser repeats them with no default, so a value given there overrides the one before it.
_AFTER = argparse.ArgumentParser(add_help=False)
_global_options(_AFTER, argparse.SUPPRESS)


def add_command(sub: argparse._SubParsersAction, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=[_AFTER], **kwargs)


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    from briefings.cli_data import cmd_export, cmd_poll, cmd_sources, cmd_trend

    parser = argparse.ArgumentParser(prog="briefings", description="Korean corporate-news archive and briefings.")
    _global_options(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = add_command(sub, "ingest", help="add article files and folders to the archive")
    p.add_argument("paths", nargs="+", help=".txt .md .html .json .jsonl files or folders")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.add_argument("-v", "--verbose", action="store_true", help="list every file, not only problems")
    p.add_argument("--workers", type=_positive, default=None, metavar="N",
                   help="processes analysing articles (default: one per CPU; 1: in this process). "
                        "Fewer than 150 articles are always analysed in this process")
    p.add_argument("--progress", action="store_true",
                   help="show progress (count/total, articles/s, ETA) on stderr even when it is not a "
                        "terminal (on a terminal it is always shown; never with --json)")
    p.set_defaults(handler=cmd_ingest)

    p = add_command(sub, "sources", help="each source of sources.yaml: last success, last error, items, next poll")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sources)

    p = add_command(sub, "poll", help="fetch the feeds and pages in sources.yaml once and ingest what is new")
    p.add_argument("name", nargs="?", help="only this source (default: all)")
    p.add_argument("--force", action="store_true", help="poll even a source backing off after an error")
    p.add_argument("--json", action="store_true", help="machine-readable reports")
    p.set_defaults(handler=cmd_poll)

    p = add_command(sub, "search", help="full-text search, newest first")
    p.add_argument("query", help="words, \"a phrase\", company names in any form")
    p.add_argument("--company", action="append", help="only articles tagged with this company (repeatable)")
    p.add_argument("--theme", action="append", help="only articles tagged with this theme (repeatable)")
    p.add_argument("--since", help="YYYY-MM-DD, YYYY-MM, YYYY or 7d/2w/3m/1y")
    p.add_argument("--until", help="YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = add_command(sub, "show", help="one article: clean text, metadata, tags with their evidence")
    p.add_argument("id", help="article id (or a unique prefix of 4+ characters)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = add_command(sub, "digest", help="preview a digest of the archive in any output format")
    p.add_argument("--group", choices=["theme", "company", "grid"], default="theme")
    p.add_argument("--company", action="append", help="include this company (repeatable; default all)")
    p.add_argument("--theme", action="append", help="include this theme (repeatable; default all)")
    p.add_argument("--since", help="start of the window (YYYY-MM-DD, YYYY-MM, YYYY, 7d…); ends today")
    p.add_argument("--window", default="all", help="all (default), 7d, 'last 7 days' or YYYY-MM-DD..YYYY-MM-DD")
    p.add_argument("--include", action="append", help="keep only articles containing this keyword")
    p.add_argument("--exclude", action="append", help="leave out articles containing this keyword")
    p.add_argument("--max-stories", type=int, default=5, help="stories per section (default 5)")
    p.add_argument("--lang", choices=["ko", "en"], default="ko", help="language of labels")
    p.add_argument("--format", choices=["slack", "discord", "markdown", "text", "html"], default="text")
    p.add_argument("--templates", help="folder of templates overriding the shipped ones")
    p.add_argument("--thread", action="store_true", help="mark follow-up messages for a thread")
    p.add_argument("--json", action="store_true", help="the raw payloads (Slack blocks, Discord embeds)")
    p.set_defaults(handler=cmd_digest)

    p = add_command(sub, "export", help="articles with tags, summaries and quotes as JSONL, CSV or Markdown")
    p.add_argument("--format", choices=["jsonl", "csv", "md"], default="jsonl")
    p.add_argument("--company", action="append", help="only articles tagged with this company (repeatable)")
    p.add_argument("--theme", action="append", help="only articles tagged with this theme (repeatable)")
    p.add_argument("--since", help="YYYY-MM-DD, YYYY-MM, YYYY or 7d/2w/3m/1y")
    p.add_argument("--until", help="YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--limit", type=int, default=None, help="newest N articles only")
    p.add_argument("--output", "-o", help="write to this file (default: standard output)")
    p.set_defaults(handler=cmd_export)

    p = add_command(sub, "trend", help="article counts over time for companies or themes, as numbers or a PNG")
    p.add_argument("names", nargs="+", metavar="NAME", help="companies or themes (any name form), up to six")
    p.add_argument("--period", default="90d", help="how far back: 30d, 12w, 1y… (day, week or month buckets)")
    p.add_argument("--output", "-o", help="write the chart as a PNG to this file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trend)

    p = add_command(sub, "stats", help="counts by company, theme, outlet and year")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)
    return parser, sub


def run(argv: list[str] | None, parser: argparse.ArgumentParser) -> int:
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # Output piped into `head` and closed: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except QueryError as exc:
        _err(f"error: {exc}")
        return 2
    except BriefingsError as exc:
        _err(f"error: {exc}")
        return 2


def main(argv: list[str] | None = None) -> int:
    parser, _ = build_parser()
    return run(argv, parser)
