"""The neutral digest: what every output format renders, and nothing platform-specific."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SummaryLine:
    text: str
    article_id: str


@dataclass
class Story:
    article_id: str
    title: str
    summary: list[str]
    outlets: list[str]
    article_ids: list[str]  # every article of this story (one per outlet)
    published: str | None
    companies: list[str]  # display names
    themes: list[str]  # display labels
    url: str | None
    mention: bool = False  # the section's company only appears in passing in this story
    line: str = ""  # rendered by the story template

    @property
    def outlet_count(self) -> int:
        return len(self.outlets)


@dataclass
class Section:
    key: str
    title: str
    stories: list[Story]
    summary: list[SummaryLine] = field(default_factory=list)
    total: int = 0  # stories before max_stories cut
    intro: str = ""  # rendered by the section template

    @property
    def more(self) -> int:
        """Stories left out by max_stories."""
        return max(0, self.total - len(self.stories))

    @property
    def leads(self) -> bool:
        """The section has a story about its subject, not only passing mentions."""
        return any(not s.mention for s in self.stories)


@dataclass
class GridCell:
    count: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.count - self.previous


@dataclass
class Grid:
    companies: list[tuple[str, str]]  # (id, display name)
    themes: list[tuple[str, str]]
    cells: dict[str, dict[str, GridCell]]  # company id → theme id → cell
    previous_label: str | None


@dataclass
class Digest:
    title: str
    period: str
    language: str
    sections: list[Section]
    grid: Grid | None = None
    empty: bool = False
    empty_message: str = ""
    notes: list[str] = field(default_factory=list)  # free lines (help, explanations, quotes)
    headline: str = ""  # rendered by the headline template
    footer: str = ""  # rendered by the footer template
    generated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
