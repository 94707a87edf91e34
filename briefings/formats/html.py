"""HTML for previews and e-mail."""

from __future__ import annotations

from html import escape as html_escape
from typing import Any

from briefings.digest.model import Digest
from briefings.formats._grid import cell_text
from briefings.formats._safety import clean_text
from briefings.templating import Markup

NAME = "html"


def escape(text: str) -> str:
    return html_escape(clean_text(text), quote=True)


MARKUP = Markup(escape=escape, strong=lambda s: f"<strong>{s}</strong>", italic=lambda s: f"<em>{s}</em>",
                link=lambda text, url: f'<a href="{escape(url)}">{text}</a>', code=lambda s: f"<code>{s}</code>")


def render(digest: Digest, **_: Any) -> list[dict[str, Any]]:
    out = [f'<article class="briefing" lang="{digest.language}">', f"<h1>{digest.headline}</h1>"]
    if digest.empty:
        out.append(f"<p>{escape(digest.empty_message)}</p>")
    out += [f"<p>{escape(n)}</p>" for n in digest.notes]
    if digest.grid:
        grid = digest.grid
        out.append("<table><tr><th></th>" + "".join(f"<th>{escape(n)}</th>" for _, n in grid.themes) + "</tr>")
        for cid, name in grid.companies:
            cells = "".join(f"<td>{cell_text(grid.cells[cid][t].count, grid.cells[cid][t].change)}</td>"
                            for t, _ in grid.themes)
            out.append(f"<tr><th>{escape(name)}</th>{cells}</tr>")
        out.append("</table>")
    for section in digest.sections:
        out.append(f"<section><h2>{section.intro}</h2>")
        if section.summary:
            out.append("<ul class=\"summary\">" + "".join(
                f"<li>{escape(s.text)} <code>{escape(s.article_id)}</code></li>" for s in section.summary) + "</ul>")
        for story in section.stories:
            line = story.line.replace("\n", "<br>")
            body = "".join(f"<p>{escape(s)}</p>" for s in story.summary)
            out.append(f"<div class=\"story\"><p>{line}</p>{body}</div>")
        out.append("</section>")
    out.append(f"<footer>{digest.footer}</footer></article>")
    return [{"text": "\n".join(out) + "\n"}]
