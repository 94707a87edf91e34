"""Plain text for terminals and logs."""

from __future__ import annotations

from typing import Any

from briefings.digest.model import Digest
from briefings.formats._grid import grid_rows
from briefings.formats._safety import clean_text
from briefings.templating import Markup

NAME = "text"
MARKUP = Markup(escape=clean_text)


def render(digest: Digest, **_: Any) -> list[dict[str, Any]]:
    lines = [digest.headline, ""]
    if digest.empty:
        lines.append(clean_text(digest.empty_message))
    lines += [clean_text(n) for n in digest.notes]
    if digest.notes:
        lines.append("")
    if digest.grid:
        lines += [*grid_rows(digest.grid), ""]
    for section in digest.sections:
        lines.append(section.intro)
        for line in section.summary:
            lines.append(f"  · {clean_text(line.text)} [{line.article_id}]")
        for story in section.stories:
            first, *rest = story.line.splitlines()
            lines.append(f"  - {first}")
            lines += [f"    {r}" for r in rest]
            lines += [f"    {clean_text(s)}" for s in story.summary]
        lines.append("")
    lines.append(digest.footer)
    return [{"text": "\n".join(lines).strip() + "\n"}]
