"""Articles out, for a spreadsheet or another tool: JSONL, CSV (UTF-8 with a BOM, so spreadsheet
software reads Korean correctly) or Markdown, with tags (about / mentions), summaries, quotes and outlets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Article

FORMATS = ("jsonl", "csv", "md")
CSV_FIELDS = ("id", "published", "outlet", "title", "url", "about", "mentions", "themes", "summary", "quotes")


def article_row(article: Article, taxonomy: Taxonomy) -> dict[str, Any]:
    def name(company: str) -> str:
        return taxonomy.company_name(company) if company in taxonomy.company_ids else company

    return {
        "id": article.id,
        "published": article.published.iso() if article.published else None,
        "outlet": article.outlet,
        "title": article.title,
        "url": article.url,
        "about": [name(t.company) for t in article.companies if t.about],
        "mentions": [name(t.company) for t in article.companies if not t.about],
        "themes": [taxonomy.theme_label(t) if t in taxonomy.theme_ids else t for t in article.theme_ids],
        "summary": " ".join(article.summary),
        "quotes": [{"speaker": q.speaker or q.role or "", "text": q.text} for q in article.quotes],
    }


def export_articles(articles: Iterable[Article], taxonomy: Taxonomy, fmt: str) -> bytes:
    rows = [article_row(a, taxonomy) for a in articles]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "about": "; ".join(r["about"]), "mentions": "; ".join(r["mentions"]),
                             "themes": "; ".join(r["themes"]),
                             "quotes": " | ".join(f"{q['speaker']}: {q['text']}" for q in r["quotes"])})
        return out.getvalue().encode("utf-8-sig")  # the BOM tells spreadsheet software it is UTF-8
    if fmt == "md":
        lines = ["| 날짜 / date | 매체 / outlet | 제목 / title | 주요 / about | 언급 / mentions | 요약 / summary |",
                 "| --- | --- | --- | --- | --- | --- |"]
        for r in rows:
            cells = [r["published"] or "", r["outlet"] or "", f"[{r['title']}]({r['url']})" if r["url"] else r["title"],
                     ", ".join(r["about"]), ", ".join(r["mentions"]), r["summary"]]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
