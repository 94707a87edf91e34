"""Slack Block Kit as dicts, with a plain-text fallback on every message.

Limits honoured: 50 blocks per message, 3,000 characters per section text, 150 per header,
40,000 per fallback text. Only &, < and > are escaped (as Slack asks); '@channel'-style words
are defused so article text can never ping. Long digests split across messages; with
`thread=True` the first message holds the headline, notes and grid, and every section follows
as its own message, meant for the first one's thread.
"""

from __future__ import annotations

from typing import Any

from briefings.digest.model import Digest
from briefings.formats._grid import grid_rows
from briefings.formats._safety import clean_text, defuse_mentions, plain, truncate
from briefings.templating import Markup

NAME = "slack"
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FALLBACK = 3000


def escape(text: str) -> str:
    text = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return defuse_mentions(text)


def _link(text: str, url: str) -> str:
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{text}>"


MARKUP = Markup(escape=escape, strong=lambda s: f"*{s}*", italic=lambda s: f"_{s}_", link=_link,
                code=lambda s: f"`{s}`")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, MAX_SECTION)}}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(plain(text), MAX_HEADER),
                                       "emoji": False}}


def blocks_for(digest: Digest) -> list[list[dict[str, Any]]]:
    """Blocks grouped by section, so a split never cuts a section's header from its stories."""
    groups: list[list[dict[str, Any]]] = [[_header(digest.headline)]]
    if digest.empty:
        groups[0].append(_section(escape(digest.empty_message)))
    if digest.notes:
        notes, current = [], ""
        for note in map(escape, digest.notes):  # pack lines into as few section blocks as fit
            if current and len(current) + len(note) + 1 > MAX_SECTION:
                notes.append(current)
                current = ""
            current = f"{current}\n{note}" if current else note
        groups[0].extend(_section(n) for n in [*notes, current] if n)
    if digest.grid:
        table = "\n".join(grid_rows(digest.grid))
        groups[0].append(_section("```" + escape(truncate(table, MAX_SECTION - 6)) + "```"))
    for section in digest.sections:
        blocks: list[dict[str, Any]] = [{"type": "divider"}, _section(section.intro)]
        if section.summary:
            blocks.append(_section("\n".join(f"> {escape(s.text)}" for s in section.summary)))
        for story in section.stories:
            text = story.line + "\n" + "\n".join(escape(s) for s in story.summary)
            blocks.append(_section(text))
        groups.append(blocks)
    groups.append([{"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(digest.footer, 2000)}]}])
    return groups


def render(digest: Digest, *, thread: bool = False) -> list[dict[str, Any]]:
    messages: list[list[dict[str, Any]]] = [[]]
    groups = blocks_for(digest)
    for n, group in enumerate(groups):
        # A section starts a new message rather than straddle two, unless it cannot fit one anyway;
        # in thread mode every section is its own reply (the footer stays with the last one).
        own_message = thread and 0 < n < len(groups) - 1
        overflows = len(messages[-1]) + len(group) > MAX_BLOCKS and len(group) <= MAX_BLOCKS
        if messages[-1] and (own_message or overflows):
            messages.append([])
        for block in group:
            if len(messages[-1]) == MAX_BLOCKS:
                messages.append([])
            messages[-1].append(block)
    payloads = []
    for n, blocks in enumerate(messages):
        texts = [b["text"]["text"] for b in blocks if "text" in b]
        texts += [e["text"] for b in blocks for e in b.get("elements", [])]
        fallback = truncate(plain("\n".join(texts)), MAX_FALLBACK)
        payloads.append({"text": fallback, "blocks": blocks, "in_thread": thread and n > 0,
                         "unfurl_links": False, "unfurl_media": False})
    return payloads
