"""Theme keywords matched on whole words and morphemes, not on substrings.

A plain substring search finds 기부 inside 등기부 and 바이오 inside 삼성바이오로직스. Here a candidate
match from the taxonomy's Finder is kept only when kiwi's tokens agree that it is a word of its own:
it must start where a morpheme starts, not glued onto a name, Latin or number in the same word
(삼성+바이오…, SK+바이오…), and end where a morpheme ends, unless the keyword is a `prefix`
(then 기부 also covers 기부금). Paragraphs are tokenised only when a candidate is found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from briefings.analysis.korean import InContext, _tokens
from briefings.analysis.taxonomy import KeywordSpec, Taxonomy
from briefings.models import Evidence, Paragraph

# A keyword right after one of these in the same word is part of a name ("삼성바이오", "LG화학").
_NAME_TAGS = {"NNP", "SL", "SN", "SH"}
LEAD_CHARS = 300  # the headline and this much of the body are where a story states its subject
UNANCHORED_FACTOR = 1.5  # a theme absent from headline and lead needs this multiple of its threshold
# A match that starts on an adjective root is not the noun keyword ("수상한" is suspicious, not awarded).
_ROOT_TAGS = {"XR"}


@dataclass
class WordBounds:
    """Where morphemes start and end in one text, and which starts are glued onto a name."""

    starts: set[int] = field(default_factory=set)
    ends: set[int] = field(default_factory=set)
    after_name: set[int] = field(default_factory=set)  # starts that cannot begin a keyword (name-glued, roots)

    @classmethod
    def of(cls, text: str) -> WordBounds:
        return cls.from_tokens(_tokens(text))

    @classmethod
    def from_tokens(cls, tokens: Iterable) -> WordBounds:
        bounds = cls()
        prev_end, prev_tag = -1, ""
        for tok in tokens:
            tag = tok.tag.split("-")[0]
            end = tok.start + tok.len
            bounds.starts.add(tok.start)
            bounds.ends.add(end)
            if (tok.start == prev_end and prev_tag in _NAME_TAGS) or tag in _ROOT_TAGS:
                bounds.after_name.add(tok.start)
            prev_end, prev_tag = end, tag
        return bounds

    def accepts(self, start: int, end: int, prefix: bool) -> bool:
        if start not in self.starts or start in self.after_name:
            return False
        return prefix or end in self.ends


class KeywordMatcher:
    """Keyword hits for the themes of one taxonomy over a set of paragraphs (bounds cached per text).

    With the article `context`, a paragraph's word boundaries come from the analysis of the whole
    article text its index entry needs anyway: one kiwi pass instead of one more per paragraph.
    """

    def __init__(self, taxonomy: Taxonomy, context: InContext | None = None):
        self.taxonomy = taxonomy
        self.context = context
        self._bounds: dict[tuple[int, str], WordBounds] = {}

    def _bounds_of(self, para: Paragraph) -> WordBounds:
        key = (para.index, para.text)
        if key not in self._bounds:
            tokens = self.context.tokens(para.index, para.text) if self.context else None
            self._bounds[key] = WordBounds.of(para.text) if tokens is None else WordBounds.from_tokens(tokens)
        return self._bounds[key]

    def hits(self, theme_id: str, paragraphs: Sequence[Paragraph]) -> list[tuple[KeywordSpec, list[Evidence]]]:
        out = []
        for keyword, finder in self.taxonomy.keyword_finders[theme_id]:
            found = []
            for para in paragraphs:
                for m in finder.find(para.text):
                    if self._bounds_of(para).accepts(m.start, m.end, keyword.prefix):
                        found.append(Evidence(m.term, m.text, para.index, m.start, m.end, keyword.weight))
            if found:
                out.append((keyword, found))
        return out

    def score(self, theme_id: str, paragraphs: Sequence[Paragraph]) -> tuple[float, list[Evidence]]:
        """Weighted score; 0 when only supporting (generic) words were found, which cannot tag alone."""
        hits = self.hits(theme_id, paragraphs)
        if not any(not keyword.supporting for keyword, _ in hits):
            return 0.0, [e for _, found in hits for e in found]
        score = sum(keyword.weight * min(len(found), keyword.max_count) for keyword, found in hits)
        return score, [e for _, found in hits for e in found]



def lead_limits(paragraphs: Sequence[Paragraph], chars: int = LEAD_CHARS) -> dict[int, int]:
    """Per paragraph index, how many of its leading characters fall in the first `chars` of the body."""
    limits: dict[int, int] = {}
    used = 0
    for para in paragraphs:
        if para.kind != "body" or para.index < 0:
            continue
        if used >= chars:
            break
        limits[para.index] = chars - used
        used += len(para.text)
    return limits


def anchored(evidence: Sequence[Evidence], limits: dict[int, int]) -> bool:
    """Some hit is in the headline (paragraph -1) or in the lead."""
    return any(e.paragraph == -1 or e.start < limits.get(e.paragraph, 0) for e in evidence)
