"""HTML pages: the product's reading of 45 real news pages against trafilatura and readability-lxml.

Pages and a scraper's expected fields are in DATA/html_dev (pages/<name>.html, expected/<name>.parsed.json).
Body text is scored as character-bigram F1 (whitespace removed, per-page mean) for
- product: the real reader (read_file) and ArticleBuilder.build, body paragraphs only (and again
  with the photo captions it keeps apart, since the expected text includes them on some sites);
- trafilatura and readability-lxml, each run plainly on the page;
- old: briefings/ingest/html.py as of aa0940e, through the same cleaning.
Titles (exact, entities decoded), published date (in Korea), author (person names the page states;
the outlet's name in an author field is skipped as expected output), rejected pages, and lines kept
that share little with the expected body ("menu lines"). Tuning and held-out halves by page name.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean

from briefings.errors import RejectedInput
from briefings.ingest.readers import RawArticle, read_file
from tests.eval.corpus import CONFIG, dev_taxonomy, held_out, old_module

OLD_COMMIT = "aa0940e"
MENU_OVERLAP = 0.5  # a kept line with less than half its bigrams in the expected body


def bigrams(text: str) -> Counter[str]:
    flat = re.sub(r"\s+", "", text)
    return Counter(flat[i:i + 2] for i in range(len(flat) - 1))


def f1(got: str, want: str) -> float:
    g, w = bigrams(got), bigrams(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def _menu_lines(lines: list[str], want: Counter[str]) -> int:
    bad = 0
    for line in lines:
        grams = bigrams(line)
        if grams and sum((grams & want).values()) / sum(grams.values()) < MENU_OVERLAP:
            bad += 1
    return bad


def _expected(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))["parsed_data"]
    publishers = {p.get("name", "") for p in data.get("publisher", []) if isinstance(p, dict)}
    authors = [a.get("name", "") for a in data.get("author", []) if isinstance(a, dict)]
    # SBS states "이름 기자": the name is what a reporter field holds
    people = [a.removesuffix("기자").strip() for a in authors
              if a and a not in publishers and "news" not in a.lower() and "뉴스" not in a]
    return {"title": html.unescape((data.get("title") or [""])[0]).strip(),
            "body": "\n".join(data.get("text") or []),
            "published": (data.get("published_at") or [None])[0],
            "authors": people}


def _plain_trafilatura(page: str) -> str:
    import trafilatura
    return trafilatura.extract(page) or ""


def _trafilatura_metadata(page: str, want: dict) -> dict:
    """trafilatura's own title, date and author, the baseline for the product's metadata."""
    import trafilatura
    meta = trafilatura.extract_metadata(page)
    title = (meta.title or "") if meta else ""
    author = (meta.author or "") if meta else ""
    stated = want["published"][:10] if want["published"] else None
    return {"t_title": title == want["title"], "t_date": bool(meta and stated and meta.date == stated),
            "t_author": (author.removesuffix("기자").strip() in want["authors"]) if want["authors"] else None}


def _plain_readability(page: str) -> str:
    import lxml.html
    from readability import Document
    try:
        return lxml.html.fromstring(Document(page).summary()).text_content()
    except Exception:  # scored as nothing found
        return ""


def _body(article) -> tuple[str, list[str]]:
    lines = [p.text for p in article.paragraphs if p.kind != "caption"]
    return "\n".join(lines), lines


def run(ctx) -> dict:
    from briefings.ingest.build import ArticleBuilder
    from briefings.ingest.metadata import parse_stated_date

    base = ctx.path("html_dev")
    if not (base / "pages").is_dir():
        print("html: no html_dev pages in the data folder; skipped")
        return {}
    builder = ArticleBuilder.from_config(CONFIG, dev_taxonomy())
    old = old_module(OLD_COMMIT, "briefings/ingest/html.py", "old_html")
    if old is None:
        raise RuntimeError(f"the old reader could not be loaded from git ({OLD_COMMIT}): it is the baseline")
    rows = []
    for page_path in sorted((base / "pages").glob("*.html")):
        name = page_path.stem
        want = _expected(base / "expected" / f"{name}.parsed.json")
        data = page_path.read_bytes()
        page = data.decode("utf-8", "replace")
        row = {"name": name, "held": held_out(name), "rejected": 0}
        try:
            raw = read_file(page_path, data, hashlib.sha256(data).hexdigest()).articles[0]
            article = builder.build(raw, datetime(2026, 1, 1, tzinfo=UTC))
            body, lines = _body(article)
            row["product_captions"] = f1("\n".join(p.text for p in article.paragraphs), want["body"])
            row.update(title=article.title == want["title"],
                       author=(article.reporter.name in want["authors"]) if want["authors"] else None,
                       source=read_body_source(page))
            stated = parse_stated_date(want["published"]) if want["published"] else None
            row["date"] = bool(stated) and article.published == stated[0]
        except RejectedInput:
            body, lines = "", []
            row["product_captions"] = 0.0
            row.update(rejected=1, title=False, author=False if want["authors"] else None, date=False)
        row.update(_trafilatura_metadata(page, want))
        row["product"] = f1(body, want["body"])
        row["menu"] = _menu_lines(lines, bigrams(want["body"]))
        row["trafilatura"] = f1(_plain_trafilatura(page), want["body"])
        row["readability"] = f1(_plain_readability(page), want["body"])
        old_fields = old.read_html(page)
        old_raw = RawArticle(name, old_fields.lines, "", "html", title=old_fields.title)
        try:
            _cleaned, paragraphs = builder.clean(old_raw)
            old_lines = [p.text for p in paragraphs if p.kind != "caption"]
            row["old_rejected"] = 0
        except RejectedInput:
            old_lines, row["old_rejected"] = [], 1
        row["old"] = f1("\n".join(old_lines), want["body"])
        row["old_menu"] = _menu_lines(old_lines, bigrams(want["body"]))
        row["old_title"] = (old_fields.title or "") == want["title"]
        rows.append(row)
    return _report(rows)


def read_body_source(page: str) -> str | None:
    from briefings.ingest.html import read_html
    return read_html(page).body_source


def _report(rows: list[dict]) -> dict:
    figures: dict[str, dict] = {}
    print(f"{'html pages':<12}{'n':>4}{'product':>9}{'trafil.':>9}{'readab.':>9}{'old':>7}"
          f"{'title':>7}{'oldtit':>7}{'date':>6}{'author':>8}{'rej':>5}{'oldrej':>7}{'menu':>6}{'oldmenu':>8}")
    for half, keep in (("tuning", False), ("held_out", True)):
        part = [r for r in rows if r["held"] == keep]
        if not part:
            continue
        authored = [r for r in part if r["author"] is not None]
        fig = {
            "pages": len(part),
            **{k: round(mean(r[k] for r in part), 3) for k in ("product", "product_captions", "trafilatura",
                                                          "readability", "old")},
            "title_exact": round(mean(r["title"] for r in part), 3),
            "old_title_exact": round(mean(r["old_title"] for r in part), 3),
            "trafilatura_title_exact": round(mean(r["t_title"] for r in part), 3),
            "date_correct": round(mean(r["date"] for r in part), 3),
            "trafilatura_date_correct": round(mean(r["t_date"] for r in part), 3),
            "author_rate": round(mean(r["author"] for r in authored), 3) if authored else None,
            "trafilatura_author_rate": round(mean(r["t_author"] for r in authored), 3) if authored else None,
            "old_author_rate": 0.0,  # the old reader never read an author
            "rejected": sum(r["rejected"] for r in part), "old_rejected": sum(r["old_rejected"] for r in part),
            "menu_lines_per_page": round(mean(r["menu"] for r in part), 2),
            "old_menu_lines_per_page": round(mean(r["old_menu"] for r in part), 2),
            "body_sources": dict(Counter(r.get("source") for r in part)),
        }
        figures[half] = fig
        print(f"{half:<12}{fig['pages']:>4}{fig['product']:>9.3f}{fig['trafilatura']:>9.3f}"
              f"{fig['readability']:>9.3f}{fig['old']:>7.3f}{fig['title_exact']:>7.2f}{fig['old_title_exact']:>7.2f}"
              f"{fig['date_correct']:>6.2f}{fig['author_rate'] or 0:>8.2f}{fig['rejected']:>5}"
              f"{fig['old_rejected']:>7}{fig['menu_lines_per_page']:>6.1f}{fig['old_menu_lines_per_page']:>8.1f}")
    print("product with its photo captions counted as body (the expected text keeps Yonhap's captions): "
          + ", ".join(f"{h} {f['product_captions']:.3f}" for h, f in figures.items()))
    print("trafilatura's own metadata (title / date / author): " + ", ".join(
        f"{h} {f['trafilatura_title_exact']:.2f} / {f['trafilatura_date_correct']:.2f} / "
        f"{f['trafilatura_author_rate'] or 0:.2f}" for h, f in figures.items()))
    worst = sorted(rows, key=lambda r: r["product"])[:5]
    print("lowest product F1: " + ", ".join(f"{r['name']} {r['product']:.2f}" for r in worst))
    return figures
