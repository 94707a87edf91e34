"""HTML pages: the product's reading of 45 real news pages against trafilatura and readability-lxml.

Pages and a scraper's expected fields are in DATA/html_dev (pages/<name>.html, expected/<name>.parsed.json).
Body text is scored as character-bigram F1 (whitespace removed, per-page mean) for
- product extraction: what the page reader (read_file) hands to cleaning, its body lines and the
  photo captions it keeps apart ("extract"), and the body lines alone ("extract body");
- product cleaned: ArticleBuilder.build's body paragraphs ("cleaned"), and with its captions; the
  cleaning cuts wire datelines, bylines, e-mails, "(END)", editors' notes and photo credits on purpose;
- trafilatura and readability-lxml, each run plainly on the page (what they give is all they give);
- old: briefings/ingest/html.py as of aa0940e, through the same cleaning.
The expected text is one scraper's: it keeps Yonhap's photo captions but not MBC's, keeps SBS's
"이미지 확대하기" button labels, and drops Yonhap's double quotes; no side is tuned to that.
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
_BLOCKS = ("p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "blockquote", "section")
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
        root = lxml.html.fromstring(Document(page).summary())
    except Exception:  # scored as nothing found
        return ""
    for element in root.iter(*_BLOCKS):  # a line per block, as the other readers give, for the menu count
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


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
            row["extract"] = f1("\n".join(raw.lines + raw.captions), want["body"])
            row["extract_body"] = f1("\n".join(raw.lines), want["body"])
            row["extract_menu"] = _menu_lines(raw.lines + raw.captions, bigrams(want["body"]))
            row.update(title=article.title == want["title"],
                       author=(article.reporter.name in want["authors"]) if want["authors"] else None,
                       source=read_body_source(page))
            stated = parse_stated_date(want["published"]) if want["published"] else None
            row["date"] = bool(stated) and article.published == stated[0]
        except RejectedInput:
            body, lines = "", []
            row["product_captions"] = row["extract"] = row["extract_body"] = 0.0
            row["extract_menu"] = 0
            row.update(rejected=1, title=False, author=False if want["authors"] else None, date=False)
        row.update(_trafilatura_metadata(page, want))
        row["product"] = f1(body, want["body"])
        row["menu"] = _menu_lines(lines, bigrams(want["body"]))
        for name, text in (("trafilatura", _plain_trafilatura(page)), ("readability", _plain_readability(page))):
            row[name] = f1(text, want["body"])
            row[f"{name}_menu"] = _menu_lines([ln for ln in text.splitlines() if ln.strip()], bigrams(want["body"]))
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
    """Two tables: body F1 at each stage against the baselines; metadata and menu lines kept."""
    figures: dict[str, dict] = {}
    scores = ("extract", "extract_body", "product", "product_captions", "trafilatura", "readability", "old")
    menus = ("extract_menu", "menu", "trafilatura_menu", "readability_menu", "old_menu")
    print(f"{'body F1':<12}{'n':>4}{'extract':>9}{'ext.body':>9}{'cleaned':>9}{'cl.+cap':>9}{'trafil.':>9}"
          f"{'readab.':>9}{'old':>7}")
    for half, keep in (("tuning", False), ("held_out", True)):
        part = [r for r in rows if r["held"] == keep]
        if not part:
            continue
        authored = [r for r in part if r["author"] is not None]
        fig = {
            "pages": len(part),
            **{k: round(mean(r[k] for r in part), 4) for k in scores},
            "title_exact": round(mean(r["title"] for r in part), 3),
            "old_title_exact": round(mean(r["old_title"] for r in part), 3),
            "trafilatura_title_exact": round(mean(r["t_title"] for r in part), 3),
            "date_correct": round(mean(r["date"] for r in part), 3),
            "trafilatura_date_correct": round(mean(r["t_date"] for r in part), 3),
            "author_rate": round(mean(r["author"] for r in authored), 3) if authored else None,
            "trafilatura_author_rate": round(mean(r["t_author"] for r in authored), 3) if authored else None,
            "old_author_rate": 0.0,  # the old reader never read an author
            "rejected": sum(r["rejected"] for r in part), "old_rejected": sum(r["old_rejected"] for r in part),
            **{f"{k.removesuffix('menu').rstrip('_') or 'cleaned'}_menu_lines_per_page":
               round(mean(r[k] for r in part), 2) for k in menus},
            "body_sources": dict(Counter(r.get("source") for r in part)),
        }
        fig["menu_lines_per_page"] = fig.pop("cleaned_menu_lines_per_page")
        figures[half] = fig
        print(f"{half:<12}{fig['pages']:>4}" + "".join(f"{fig[k]:>9.4f}" for k in scores[:-1]) + f"{fig['old']:>7.3f}")
    print(f"\n{'metadata':<12}{'title':>7}{'t.traf':>7}{'t.old':>7}{'date':>6}{'d.traf':>7}{'author':>7}"
          f"{'a.traf':>7}{'rej':>5}{'oldrej':>7}   menu lines/page: extract cleaned trafil. readab. old")
    for half, fig in figures.items():
        print(f"{half:<12}{fig['title_exact']:>7.2f}{fig['trafilatura_title_exact']:>7.2f}{fig['old_title_exact']:>7.2f}"
              f"{fig['date_correct']:>6.2f}{fig['trafilatura_date_correct']:>7.2f}{fig['author_rate'] or 0:>7.2f}"
              f"{fig['trafilatura_author_rate'] or 0:>7.2f}{fig['rejected']:>5}{fig['old_rejected']:>7}"
              f"{'':>19}{fig['extract_menu_lines_per_page']:>8.2f}{fig['menu_lines_per_page']:>8.2f}"
              f"{fig['trafilatura_menu_lines_per_page']:>8.2f}{fig['readability_menu_lines_per_page']:>8.2f}"
              f"{fig['old_menu_lines_per_page']:>5.1f}")
    print("extract: the reader's body lines and captions, as handed to cleaning; cleaned: the stored body "
          "(wire datelines, bylines, e-mails, credits cut on purpose); cl.+cap: with its photo captions")
    sites = sorted({r["name"].rsplit("_", 1)[0] for r in rows})
    print("per site (extract / cleaned / trafilatura / readability, both halves): " + "; ".join(
        f"{site} " + " / ".join(f"{mean(r[k] for r in rows if r['name'].rsplit('_', 1)[0] == site):.3f}"
                                for k in ("extract", "product", "trafilatura", "readability")) for site in sites))
    worst = sorted(rows, key=lambda r: r["extract"] - r["readability"])[:5]
    print("extract F1 furthest below readability's: "
          + ", ".join(f"{r['name']} {r['extract']:.3f}/{r['readability']:.3f}" for r in worst))
    return figures
