"""Line-level cleaning: drop site chrome and repeats, keep headline, body, captions and bylines.

The cleaner classifies lines (the rules live in config/cleaning.yaml) and cuts boilerplate spans
out of the lines it keeps (briefings.ingest.boilerplate), so a byline or photo credit glued to a
paragraph costs the paragraph nothing. Every pattern here is linear on a long line: white space
runs are matched possessively so no two quantifiers can trade the same characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefings.ingest.boilerplate import Cut, normalise, strip_boilerplate
from briefings.ingest.mojibake import is_mojibake
from briefings.ingest.rules import CompiledRules
from briefings.models import ParagraphKind, RemovedLine

_EMAIL = r"[\w.+-]++@[\w-]++(?:\.[\w-]++)++"
_NAME = r"[가-힣]{2,4}"
BYLINE_LINES = (
    re.compile(rf"^/?\s*+(?P<name>{_NAME})\s++(?P<desk>[^\s@/]++)\s++기자\s*+(?P<email>{_EMAIL})?$"),
    re.compile(rf"^/?\s*+(?:(?P<desk>[^\s@/]++)\s++)?(?P<name>{_NAME})\s*+기자\s*+(?P<email>{_EMAIL})?$"),
    re.compile(rf"^(?P<email>{_EMAIL})$"),
)
SOURCE_LINE = re.compile(r"^(?:출처|원문|기사원문|Source)\s*+(?:[:：]\s*+)?(?P<url>https?://\S+)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?。]['\"”’)]*$|다$")
_PUNCT_END = re.compile(r"[.!?。]['\"”’)]*$")
_SPACES = re.compile(r"\s+")
BODY_START_CHARS = 40
TITLE_MAX_CHARS = 150


@dataclass
class Byline:
    name: str | None = None
    email: str | None = None
    desk: str | None = None
    text: str = ""


@dataclass
class CleanedText:
    title: str | None
    paragraphs: list[tuple[ParagraphKind, str]]
    removed: list[RemovedLine] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    stamps: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    source_urls: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _byline_from(match: re.Match[str], text: str) -> Byline:
    groups = match.groupdict()
    return Byline(groups.get("name"), groups.get("email"), groups.get("desk"), text)


class _Cleaner:
    def __init__(self, rules: CompiledRules, known_title: str | None):
        self.rules = rules
        self.out = CleanedText(title=known_title, paragraphs=[])
        self.seen: set[str] = {fold(known_title)} if known_title else set()
        self.body_started = False
        self.next_is_caption = False

    def drop(self, lineno: int, text: str, reason: str) -> None:
        self.out.removed.append(RemovedLine(lineno, text, reason))

    def cut(self, lineno: int, text: str, cuts: list[Cut]) -> None:
        """Record the boilerplate spans cut from a kept line, and who signed it."""
        for cut in cuts:
            self.drop(lineno, text[cut.start:cut.end].strip(), cut.kind)
            if cut.kind == "byline" or cut.name or cut.email:
                signed = text[cut.start:cut.end].strip(" /")
                self.out.bylines.append(Byline(cut.name, cut.email, cut.desk, signed))

    def run(self, lines: list[str]) -> CleanedText:
        for lineno, raw in enumerate(lines, start=1):
            if self.classify(lineno, normalise(raw).strip()) == "footer":
                for n, rest in enumerate(lines[lineno:], start=lineno + 1):
                    if rest.strip():
                        self.drop(n, rest.strip(), "page footer")
                break
        return self.out

    def classify(self, lineno: int, line: str) -> str | None:
        rules = self.rules
        core = line.lstrip(rules.bullets + " \t").strip()
        if not core:
            return None
        if self.body_started and core in rules.footer_markers:
            self.drop(lineno, line, "page footer")
            return "footer"
        stamps = list(rules.stamp.finditer(core))
        if stamps and not rules.stamp.sub("", core).strip(" |·-,"):
            self.out.stamps.extend((m["label"], m["value"]) for m in stamps)
            self.drop(lineno, line, "date stamp")
            return None
        if core in rules.drop_lines or rules.drop.match(core):
            self.drop(lineno, line, "site chrome")
            return None
        if rules.ads.search(core):
            self.drop(lineno, line, "advertisement")
            return None
        if is_mojibake(core, rules.mojibake_min_suspects, rules.mojibake_min_ratio):
            self.drop(lineno, line, "mojibake")
            self.next_is_caption = True  # garbled lines here are image names before a caption
            return None
        if rules.image_names.search(core):
            self.drop(lineno, line, "image file name")
            self.next_is_caption = True
            return None
        if source := SOURCE_LINE.match(core):
            self.out.source_urls.append(source["url"])
            self.drop(lineno, line, "source line")
            return None
        for pattern in BYLINE_LINES:
            if match := pattern.match(core):
                self.out.bylines.append(_byline_from(match, core))
                self.drop(lineno, line, "byline")
                return None
        key = fold(core)
        if key in self.seen and len(key) >= rules.repeat_min_chars:
            self.drop(lineno, line, "repeated")
            return None
        self.seen.add(key)
        self.keep(lineno, core)
        return None

    def keep(self, lineno: int, core: str) -> None:
        rules = self.rules
        was_caption, self.next_is_caption = self.next_is_caption, False
        text, cuts = strip_boilerplate(core)
        self.cut(lineno, core, cuts)
        if not text:
            return
        # A caption is a short line: a long one that mentions a photo credit is body text.
        if was_caption or (len(text) <= rules.caption_max_chars and rules.captions.search(text)):
            self.out.paragraphs.append(("caption", text))
            return
        if text.startswith(rules.subhead_prefixes):
            text = text.lstrip("".join(rules.subhead_prefixes)).strip()
            if len(text) <= rules.subhead_max_chars:  # a marked paragraph of running text is body
                self.out.paragraphs.append(("subhead", text))
                return
        ends_sentence = bool(_SENTENCE_END.search(text))
        # Headlines may end in "…다" but not with a full stop; only the first kept line can be one.
        first_line = self.out.title is None and not self.body_started and not self.out.paragraphs
        if first_line and len(text) <= TITLE_MAX_CHARS and not _PUNCT_END.search(text):
            self.out.title = text
            return
        short_label = not ends_sentence and len(text) < BODY_START_CHARS
        if short_label and (self.body_started or self.out.title is not None):
            self.out.paragraphs.append(("subhead", text))
            return
        self.out.paragraphs.append(("body", text))
        if len(text) >= BODY_START_CHARS:
            self.body_started = True


def clean_lines(lines: list[str], rules: CompiledRules, known_title: str | None = None) -> CleanedText:
    """Classify every line of an article; `known_title` comes from a format that states one."""
    return _Cleaner(rules, fold(normalise(known_title)) if known_title else None).run(lines)
