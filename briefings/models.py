"""The archive's neutral data model. Plain dataclasses, serialisable to JSON with stable names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

ParagraphKind = Literal["body", "subhead", "caption"]
Precision = Literal["day", "month", "year"]


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the article states it: day, month or year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        parts = [int(p) for p in text.split("-")]
        return cls(parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)


@dataclass
class Paragraph:
    index: int
    kind: ParagraphKind
    text: str
    sentences: list[str] = field(default_factory=list)


@dataclass
class Reporter:
    name: str | None = None
    email: str | None = None


@dataclass
class RemovedLine:
    """What cleaning dropped and why, kept so a user can audit the cleaner."""

    line: int
    text: str
    reason: str


@dataclass
class Evidence:
    """A matched word and where: paragraph index and character span in that paragraph's text."""

    term: str
    text: str
    paragraph: int
    start: int
    end: int
    weight: float = 1.0


@dataclass
class CompanyTag:
    company: str
    mentions: int
    paragraphs: list[int]
    inherited_paragraphs: list[int]
    evidence: list[Evidence]
    salience: float = 0.0  # 0..1: how much the article is about this company (title, lead, share of text)
    about: bool = False  # the article is about the company, not a passing mention
    sentences: list[list[int]] = field(default_factory=list)  # [paragraph, sentence] pairs attributed to it


@dataclass
class ThemeTag:
    theme: str
    score: float
    evidence: list[Evidence]
    companies: list[str] = field(default_factory=list)  # companies whose own paragraphs carry the theme


@dataclass
class Person:
    name: str
    role: str | None
    company: str | None
    paragraph: int


@dataclass
class Quote:
    speaker: str | None
    role: str | None
    company: str | None
    text: str
    paragraph: int
    sentence: str


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _plain(value: Any) -> Any:
    """What dataclasses.asdict gives for a field value, without its per-value deep copies (which
    were 41 % of an archive write): the model holds only dataclasses, lists, dicts and scalars."""
    kind = type(value)
    if kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if kind is tuple:
        return tuple(_plain(v) for v in value)
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    return value


@dataclass
class Article:
    """A cleaned, dated, tagged article as the archive keeps it."""

    id: str
    content_hash: str
    title: str
    title_derived: bool
    paragraphs: list[Paragraph]
    reporter: Reporter
    byline: str | None
    outlet: str | None
    outlet_domain: str | None
    url: str | None
    published: PartialDate | None
    published_time: str | None
    ingested_at: str
    source: str
    language: str
    companies: list[CompanyTag] = field(default_factory=list)
    themes: list[ThemeTag] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    company_summaries: dict[str, list[str]] = field(default_factory=dict)
    removed: list[RemovedLine] = field(default_factory=list)
    story_terms: list[str] = field(default_factory=list)  # for clustering outlets' copies of one story
    fingerprint: str = ""  # MinHash of the text's morpheme shingles (briefings.digest.fingerprint)
    # per sentence of summary_sentences(), its distinct morphemes space-joined: what a digest compares
    # summaries by, analysed at ingest so composing never runs the analyser (empty in older archives)
    summary_terms: list[str] = field(default_factory=list)
    terms: str = ""  # space-joined morphemes for the full-text index (not serialised)

    def summary_sentences(self) -> list[str]:
        """The summary's sentences, then each company summary's, in order (as summary_terms holds them)."""
        return [*self.summary, *(s for sentences in self.company_summaries.values() for s in sentences)]

    def kept_summary_terms(self) -> dict[str, frozenset[str]]:
        """Each summary sentence's morphemes as kept at ingest; empty when the archive kept none."""
        sentences = self.summary_sentences()
        if not sentences or len(sentences) != len(self.summary_terms):
            return {}
        return {s: frozenset(t.split()) for s, t in zip(sentences, self.summary_terms, strict=True)}

    @property
    def body_paragraphs(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind == "body"]

    @property
    def captions(self) -> list[str]:
        return [p.text for p in self.paragraphs if p.kind == "caption"]

    @property
    def company_ids(self) -> list[str]:
        return [c.company for c in self.companies]

    @property
    def theme_ids(self) -> list[str]:
        return [t.theme for t in self.themes]

    def grid_pairs(self) -> Counter[tuple[str, str]]:
        """The (company, theme) cells this article counts in: a theme tag's own companies when it names
        them, else every company of the article (the grid's one rule, kept by both stores at ingest)."""
        return Counter((c, tag.theme) for tag in self.themes for c in tag.companies or self.company_ids)

    def to_dict(self) -> dict[str, Any]:
        data = {name: _plain(getattr(self, name)) for name in _field_names(Article) if name != "terms"}
        data["published"] = self.published.iso() if self.published else None
        data["published_precision"] = self.published.precision if self.published else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data.pop("published_precision", None)
        published = data.pop("published")
        return cls(
            **{k: v for k, v in data.items() if k not in {
                "paragraphs", "reporter", "companies", "themes", "people", "quotes", "removed"}},
            published=PartialDate.from_iso(published) if published else None,
            paragraphs=[Paragraph(**p) for p in data["paragraphs"]],
            reporter=Reporter(**data["reporter"]),
            companies=[CompanyTag(**{**c, "evidence": [Evidence(**e) for e in c["evidence"]]})
                       for c in data["companies"]],
            themes=[ThemeTag(**{**t, "evidence": [Evidence(**e) for e in t["evidence"]]}) for t in data["themes"]],
            people=[Person(**p) for p in data["people"]],
            quotes=[Quote(**q) for q in data["quotes"]],
            removed=[RemovedLine(**r) for r in data["removed"]],
        )
