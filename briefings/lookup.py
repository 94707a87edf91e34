"""Companies and themes by any name a person would type: id, name, alias, the shown label, the
Korean reading of a Latin name (`케이티`), or a prefix of its initial consonants (`ㅋㅌ`).

One index serves the text parser (`brief 케이티`) and every autocomplete, so what autocomplete
suggests is exactly what a submitted command accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefings.textinput import folded, initials, is_initials, korean_reading

if TYPE_CHECKING:
    from briefings.analysis.taxonomy import Taxonomy


@dataclass
class Entry:
    value: str  # the id a command takes
    label: str  # what a person is shown
    keys: set[str] = field(default_factory=set)  # folded forms that resolve to it exactly
    initial_keys: set[str] = field(default_factory=set)


class NameIndex:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, value: str, label: str, names: list[str]) -> None:
        entry = Entry(value, label)
        for name in [value, label, *names]:
            key = folded(name)
            if not key:
                continue
            entry.keys.add(key)
            reading = korean_reading(key)
            entry.keys.add(reading)
            entry.initial_keys.update({initials(reading), initials(reading, silent_ieung=False)} - {""})
        self.entries.append(entry)

    def resolve(self, text: str) -> str | None:
        """The one entry that `text` names exactly (in any form); None if none or ambiguous."""
        key = folded(text)
        if not key:
            return None
        hits = {e.value for e in self.entries if key in e.keys or korean_reading(key) in e.keys}
        if not hits and is_initials(key):
            hits = {e.value for e in self.entries if key in e.initial_keys}
        return hits.pop() if len(hits) == 1 else None

    def complete(self, text: str, limit: int = 25) -> list[Entry]:
        """Entries for a partly typed name: exact first, then prefixes, then substrings; all when empty."""
        key = folded(text)
        if not key:
            return self.entries[:limit]
        reading = korean_reading(key)
        ranked: list[tuple[int, int, Entry]] = []
        for order, entry in enumerate(self.entries):
            if key in entry.keys or reading in entry.keys:
                rank = 0
            elif any(k.startswith(key) or k.startswith(reading) for k in entry.keys):
                rank = 1
            elif is_initials(key) and any(k.startswith(key) for k in entry.initial_keys):
                rank = 2
            elif any(key in k or reading in k for k in entry.keys):
                rank = 3
            else:
                continue
            ranked.append((rank, order, entry))
        return [entry for _, _, entry in sorted(ranked, key=lambda r: r[:2])][:limit]


def _label_parts(*labels: str) -> list[str]:
    """`사회공헌·ESG` is also typed as `사회공헌` or `ESG`."""
    parts: list[str] = []
    for label in labels:
        parts.extend(p for p in label.replace("/", "·").replace(",", "·").split("·") if p.strip())
    return parts


def _cached(taxonomy: Taxonomy, slot: str, build: Callable[[], NameIndex]) -> NameIndex:
    """An index built once per taxonomy (a taxonomy never changes once loaded), kept on it."""
    index = taxonomy.__dict__.get(slot)
    if index is None:
        index = taxonomy.__dict__[slot] = build()
    return index


def _index(entries: Iterable[tuple[str, str, list[str]]]) -> NameIndex:
    index = NameIndex()
    for value, label, names in entries:
        index.add(value, label, names)
    return index


def company_index(taxonomy: Taxonomy) -> NameIndex:
    return _cached(taxonomy, "_company_index", lambda: _index(
        (c.id, f"{c.name.ko} ({c.id.upper()})", [c.name.ko, c.name.en, *c.aliases]) for c in taxonomy.spec.companies))


def theme_index(taxonomy: Taxonomy) -> NameIndex:
    return _cached(taxonomy, "_theme_index", lambda: _index(
        (t.id, f"{t.label.ko} · {t.label.en}", [t.label.ko, t.label.en, *_label_parts(t.label.ko, t.label.en)])
        for t in taxonomy.spec.themes))
