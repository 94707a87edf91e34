"""Markdown for files, previews and the console."""

from __future__ import annotations

import re
from typing import Any

from briefings.digest.model import Digest
from briefings.formats._safety import clean_text, defuse_mentions
from briefings.templating import Markup

NAME = "markdown"
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: str) -> str:
    return defuse_mentions(_SPECIAL.sub(r"\\\1", clean_text(text)))


MARKUP = Markup(escape=escape, strong=lambda s: f"**{s}**", italic=lambda s: f"*{s}*",
                link=lambda text, url: f"[{text}](<{url}>)", code=lambda s: f"`{s}`")


def grid_table(digest: Digest) -> list[str]:
    from briefings.formats._grid import cell_text

    grid = digest.grid
    assert grid is not None
    lines = ["| | " + " | ".join(escape(name) for _, name in grid.themes) + " |",
             "|---|" + "---|" * len(grid.themes)]
    for cid, name in grid.companies:
        cells = [cell_text(grid.cells[cid][t].count, grid.cells[cid][t].change) for t, _ in grid.themes]
        lines.append(f"| **{escape(name)}** | " + " | ".join(cells) + " |")
    if grid.previous_label:
        lines.append(f"\n_± against {escape(grid.previous_label)}_")
    return lines


def render(digest: Digest, **_: Any) -> list[dict[str, Any]]:
    lines = [f"# {digest.headline}", ""]
    if digest.empty:
        lines.append(escape(digest.empty_message))
    lines += [f"{escape(n)}  " for n in digest.notes]
    if digest.notes:
        lines.append("")
    if digest.grid:
        lines += [*grid_table(digest), ""]
    for section in digest.sections:
        lines += [f"## {section.intro}", ""]
        lines += [f"> {escape(s.text)} (`{s.article_id}`)  " for s in section.summary]
        if section.summary:
            lines.append("")
        for story in section.stories:
            first, *rest = story.line.splitlines()
            lines.append(f"- {first}  ")
            lines += [f"  {r}  " for r in rest]
            lines += [f"  {escape(s)}  " for s in story.summary]
        lines.append("")
    lines.append(f"---\n{digest.footer}")
    return [{"text": "\n".join(lines).strip() + "\n"}]
