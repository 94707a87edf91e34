"""Discord embeds as dicts. Markdown in article text is escaped and no mention can fire.

Limits honoured: title 256, description 4,096, 25 fields (name 256, value 1,024), footer 2,048,
6,000 characters over all embeds of a message, 10 embeds per message, content 2,000.
Every payload carries allowed_mentions {"parse": []}.
"""

from __future__ import annotations

import re
from typing import Any

from briefings.digest.model import Digest
from briefings.formats._grid import grid_rows
from briefings.formats._safety import TRUNCATION_MARK, clean_text, defuse_mentions, truncate
from briefings.templating import Markup

NAME = "discord"
MAX_TITLE, MAX_DESCRIPTION, MAX_FIELDS, MAX_FIELD_NAME, MAX_FIELD_VALUE = 256, 4096, 25, 256, 1024
MAX_FOOTER, MAX_TOTAL, MAX_EMBEDS, MAX_CONTENT = 2048, 6000, 10, 2000
COLOR = 0x2F6FDE
_SPECIAL = re.compile(r"([\\*_~`|>#\[\]()-])")
_USER_MENTION = re.compile(r"<([@#][!&]?\d+|/[^>]*)>")


def escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", clean_text(text))
    text = _USER_MENTION.sub(lambda m: "<\u200b" + m.group(1) + ">", text)
    return defuse_mentions(text)


MARKUP = Markup(escape=escape, strong=lambda s: f"**{s}**", italic=lambda s: f"*{s}*",
                link=lambda text, url: f"[{text}](<{url}>)", code=lambda s: f"`{s}`")


def embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size


def _field_value(line: str, summary: list[str]) -> str:
    """The story's line (a masked link renders in a value, not in a field name) and as much of its
    summary as fits; text is cut before it is escaped, so a cut never leaves half a markup pair."""
    value = truncate(line, MAX_FIELD_VALUE) if len(line) > MAX_FIELD_VALUE else line
    for sentence in summary:
        room = MAX_FIELD_VALUE - len(value) - 1
        if room <= len(TRUNCATION_MARK) + 10:
            break
        piece = escape(sentence)
        if len(piece) > room:
            raw = truncate(sentence, room // 2)  # escaping at most doubles the length
            piece = escape(raw.removesuffix(TRUNCATION_MARK)) + TRUNCATION_MARK
        value += "\n" + piece
    return value


def _fields(section) -> list[dict[str, Any]]:
    return [{"name": "\u200b", "value": _field_value(story.line.replace("\n", " "), list(story.summary)),
             "inline": False} for story in section.stories[:MAX_FIELDS]]


def embeds_for(digest: Digest) -> list[dict[str, Any]]:
    description = escape(digest.empty_message) if digest.empty else ""
    description += "\n".join(escape(n) for n in digest.notes)
    if digest.grid:
        description += "```\n" + "\n".join(grid_rows(digest.grid)).replace("`", "'") + "\n```"
    embeds = [{"title": truncate(digest.headline, MAX_TITLE), "description": truncate(description, MAX_DESCRIPTION),
               "color": COLOR}]
    for section in digest.sections:
        summary = "\n".join(f"> {escape(s.text)}" for s in section.summary)
        embeds.append({"title": truncate(section.intro, MAX_TITLE),
                       "description": truncate(summary, MAX_DESCRIPTION), "color": COLOR,
                       "fields": _fields(section)})
    embeds[-1]["footer"] = {"text": truncate(digest.footer, MAX_FOOTER)}
    for embed in embeds:
        if not embed["description"]:
            del embed["description"]
        while embed_size(embed) > MAX_TOTAL and embed.get("fields"):
            embed["fields"].pop()  # one section alone may not exceed a message
        if embed_size(embed) > MAX_TOTAL and "description" in embed:
            embed["description"] = truncate(embed["description"], MAX_TOTAL - embed_size(embed)
                                            + len(embed["description"]))
    return embeds


def render(digest: Digest, *, thread: bool = False) -> list[dict[str, Any]]:
    """With `thread=True` the headline embed goes first and each section follows as its own message."""
    messages: list[list[dict[str, Any]]] = [[]]
    for embed in embeds_for(digest):
        current = messages[-1]
        full = len(current) >= MAX_EMBEDS or sum(map(embed_size, current)) + embed_size(embed) > MAX_TOTAL
        if current and (thread or full):
            messages.append([])
        messages[-1].append(embed)
    return [{"content": "", "embeds": embeds, "allowed_mentions": {"parse": []}, "in_thread": thread and n > 0}
            for n, embeds in enumerate(messages)]
