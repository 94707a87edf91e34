"""Same-story clustering: outlets' articles about one event become one story.

Two articles from different outlets tell one story when they were published within WINDOW_DAYS
of each other and the agreement of their title/lead terms, their titles and their texts (MinHash
estimate of shingle Jaccard, from the fingerprint kept at ingest) adds up to SCORE, with some
title/lead agreement always required: a rewrite of a press release shares facts, not sentences.
Templated reports (market closes, broker notes, robot-written prices) share boilerplate but not
their figures or headlines: numbers in title/lead that disagree across days mean another report,
and one outlet's two articles are one story only as a near-copy (a re-send, an update).

Candidates come from locality-sensitive hashing of the fingerprint (BANDS × ROWS) and from an
inverted index over title/lead terms that skips terms common to a large share of the articles,
so the work grows with the number of related pairs, not with the square of the articles.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from briefings.digest.fingerprint import article_fingerprint, resemblance, slots
from briefings.models import Article

WINDOW_DAYS = 3
BANDS, ROWS = 16, 4  # band collision is likely from a resemblance of about (1/16) ** (1/4) = 0.5
SCORE = 0.45  # head + title + text agreement that makes one story (tuned on the tuning half)
HEAD_MIN = 0.1  # title/lead agreement every pair needs, whatever its text shares
SAME_OUTLET_TITLE = 0.6  # one outlet's two takes of a story (a re-send, an update) keep their headline ...
SAME_OUTLET_TEXT = 0.65  # ... or, as a near-copy, half of it; anything else is its next report in a series
COMMON_TERM = 0.05  # a head term in more than this share of articles (and > 30) finds no candidates
NUMBER_AGREEMENT = 0.5  # share of the smaller side's numbers the other must carry
# Words every story of a company shares: how news reports speech and announcements, and (per article)
# the company names it was tagged by. Two stories agreeing only on these are not one story.
REPORTING = frozenset({"밝히", "말하", "전하", "설명", "발표", "따르", "강조", "덧붙이", "예정", "계획", "통하",
                       "위하", "관계자", "지난", "이번", "올해", "지난해", "오늘", "최근", "기자", "뉴스"})
LINKED = 1.0  # two stories merge when matches between them reach the size of the smaller one


_serials = itertools.count()


@dataclass(frozen=True)
class Features:
    """What clustering needs from one article, derived once per article object (see `_features`)."""

    day: date | None
    outlet: str | None
    head: frozenset[str]
    title: frozenset[str]
    numbers: frozenset[str]
    fp: str  # the fingerprint as kept (the article's own string: no copy per feature set)
    packed: int | None = None  # its 64 slots as one integer (32 bits each), when they are lower-case hex
    # Names this feature set in kept decisions (never reused, so a decision can never be another's).
    serial: int = field(default_factory=lambda: next(_serials), compare=False)

    @property
    def slots(self) -> list[str]:
        return slots(self.fp)

    def band(self, band: int) -> tuple:
        """The bucket key of one LSH band (ROWS slots), or () when the fingerprint has no such band."""
        if self.packed is not None:
            return (band, self.fp[band * ROWS * 8:(band + 1) * ROWS * 8])  # 8 hex digits a slot
        kept = self.slots
        return (band, *kept[band * ROWS:(band + 1) * ROWS]) if len(kept) == BANDS * ROWS else ()


_HEX64 = re.compile(r"[0-9a-f]{512}")
_LANES = 64
_LOW = [sum(((1 << bits) - 1) << (32 * lane) for lane in range(_LANES)) for bits in (16, 8, 4, 2, 1)]


def _packed(fp: str) -> int | None:
    return int(fp, 16) if _HEX64.fullmatch(fp) else None


def _resemblance(a: Features, b: Features) -> float:
    """fingerprint.resemblance, with the 64 slots compared as lanes of one integer: the lanes that
    differ are folded down to their lowest bit and counted, a few big-integer operations instead
    of 64 string comparisons in Python (this runs for every candidate pair)."""
    if a.packed is None or b.packed is None:
        return resemblance(a.slots, b.slots)  # (computed here: rare, an older or unusual fingerprint)
    y = a.packed ^ b.packed
    for shift, low in zip((16, 8, 4, 2, 1), _LOW, strict=True):
        y |= (y >> shift) & low
    return (_LANES - (y & _LOW[-1]).bit_count()) / _LANES


def features(article: Article) -> Features:
    fp = article.fingerprint or article_fingerprint(article)  # older archives: derived from the kept text
    if article.story_terms:
        terms = article.story_terms
    else:
        from briefings.summarize import story_terms
        terms = story_terms(article)
    names = " ".join(e.text.lower() for tag in article.companies for e in tag.evidence)
    head = frozenset(t for t in terms if t not in REPORTING and t not in names)
    numbers = frozenset(t for t in head if any(c.isdigit() for c in t))
    title = article.title.lower()  # the head terms that stand in the title, without re-analysing it
    return Features(article.published.first_day() if article.published else None, article.outlet,
                    head, frozenset(t for t in head if t in title), numbers, fp, _packed(fp))


KEPT_FEATURES = 20_000  # ~1.5 KB each (the article itself is not held): a busy section's year
_kept: OrderedDict[str, tuple[weakref.ref[Article], Features]] = OrderedDict()
_kept_lock = threading.Lock()


def _features(article: Article) -> Features:
    """features(), kept for the very article objects a store hands out again (its parsed slim
    articles, while its cache holds them): the same object always gives the same features. The
    least recently used go first."""
    with _kept_lock:
        hit = _kept.get(article.id)
        if hit is not None and hit[0]() is article:
            _kept.move_to_end(article.id)
            return hit[1]
    found = features(article)
    with _kept_lock:
        _kept[article.id] = (weakref.ref(article), found)
        while len(_kept) > KEPT_FEATURES:
            _kept.popitem(last=False)
    return found


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)  # the union's size follows: no second set built
    return shared / (len(a) + len(b) - shared)


def numbers_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    if len(a) < 2 or len(b) < 2:  # a lone number (a year, a count) says little either way
        return True
    return len(a & b) / min(len(a), len(b)) >= NUMBER_AGREEMENT


def within(a: Features, b: Features, days: int = WINDOW_DAYS) -> bool:
    if a.day is None or b.day is None:
        return a.day is b.day  # undated articles only join undated ones
    return abs((a.day - b.day).days) <= days


def same_story(a: Features, b: Features) -> bool:
    if not within(a, b):
        return False
    if a.day != b.day and not numbers_agree(a.numbers, b.numbers):
        return False  # another day's figures: the next report of a series (same-day rounding differs)
    title = jaccard(a.title, b.title)
    if a.outlet and a.outlet == b.outlet:
        return title >= SAME_OUTLET_TITLE or (title >= SAME_OUTLET_TITLE / 2 and _resemblance(a, b) >= SAME_OUTLET_TEXT)
    head = jaccard(a.head, b.head)
    if max(head, title) < HEAD_MIN:
        return False
    return head + title + _resemblance(a, b) >= SCORE  # (the text's estimate last: it costs the most)


# Decisions of same_story kept by pair of feature sets: a chat reply about KT's customers re-reads
# most of the article objects a reply about KT read, and their pairs decide the same way (a pure
# function of the two). Keyed by serial: ~100 bytes a pair, no feature set or article held.
KEPT_DECISIONS = 100_000
_decided: dict[tuple[int, int], bool] = {}


def _decide_kept(a: Features, b: Features) -> bool:
    key = (a.serial, b.serial)
    found = _decided.get(key)
    if found is None:
        if len(_decided) >= KEPT_DECISIONS:
            _decided.clear()
        found = _decided[key] = same_story(a, b)
    return found


def candidate_pairs(items: list[Features], days: int = WINDOW_DAYS) -> set[tuple[int, int]]:
    """Index pairs (i < j) worth comparing: a shared LSH band or a shared uncommon head term, and
    published within `days` of each other (what `within` asks of every pair that can be one story).

    `items` come in publication order, undated first (see `_order`), so a bucket's members do too and
    each member is paired only with the run after it that is still within the window: a band that
    a template report shares across years costs its near neighbours, not the square of its size."""
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(items):
        for band in range(BANDS):
            key = f.band(band)
            if not key:
                break
            buckets[key].append(i)
        for term in f.head:
            buckets[("term", term)].append(i)
    limit = max(30, int(COMMON_TERM * len(items)))
    pairs: set[tuple[int, int]] = set()
    for key, members in buckets.items():
        if len(members) < 2 or (key[0] == "term" and len(members) > limit):
            continue
        pairs.update(_near_pairs(members, items, days))  # members ascend, so each pair comes as (i < j)
    return pairs


def _near_pairs(members: list[int], items: list[Features], days: int) -> Iterator[tuple[int, int]]:
    for n, i in enumerate(members):
        first = items[i].day
        for j in members[n + 1:]:
            other = items[j].day
            if first is None:
                if other is not None:
                    break  # undated articles come first and only pair with each other
            elif other is None or (other - first).days > days:
                break
            yield i, j


def _order(article: Article) -> tuple:
    return (article.published.first_day().isoformat() if article.published else "", article.ingested_at, article.id)


def cluster(articles: Iterable[Article], decide: Callable[[Features, Features], bool] = same_story,
            ) -> list[list[Article]]:
    """Groups of articles telling one story, each in publication order (the first is the earliest).

    An article joins the existing story holding most of its matches (oldest first), so a chain of
    loosely related articles does not snowball into one story the way single linkage would.
    """
    ordered = sorted(articles, key=_order)
    items = [_features(a) for a in ordered]
    matches: dict[int, list[int]] = defaultdict(list)
    if decide is same_story:
        decide = _decide_kept
    for i, j in candidate_pairs(items):
        if decide(items[i], items[j]):
            matches[max(i, j)].append(min(i, j))
    story_of: list[int] = []
    groups: list[list[int]] = []
    for i in range(len(items)):
        votes: dict[int, int] = defaultdict(int)
        for j in matches.get(i, []):
            votes[story_of[j]] += 1
        if votes:
            best = max(votes, key=lambda g: (votes[g] / len(groups[g]), votes[g], -g))
            story_of.append(best)
            groups[best].append(i)
        else:
            story_of.append(len(groups))
            groups.append([i])
    return [[ordered[i] for i in sorted(g)] for g in _merge_linked(groups, story_of, matches)]


def _merge_linked(groups: list[list[int]], story_of: list[int], matches: dict[int, list[int]]) -> list[list[int]]:
    """Join stories the greedy pass split: a big story reached from two sides forms two halves
    with many matches between them, while a stray match between two stories is one link.
    Sizes and links are re-counted after every merge, so merges cannot cascade."""
    pairs = [(i, j) for i, earlier in matches.items() for j in earlier if story_of[i] != story_of[j]]
    parent = list(range(len(groups)))
    size = [len(g) for g in groups]

    def root(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    while pairs:
        links: dict[tuple[int, int], int] = defaultdict(int)
        for i, j in pairs:
            a, b = sorted((root(story_of[i]), root(story_of[j])))
            if a != b:
                links[(a, b)] += 1
        if not links:
            break
        (a, b), count = max(links.items(), key=lambda kv: (kv[1] / min(size[kv[0][0]], size[kv[0][1]]), kv[0]))
        if count < LINKED * min(size[a], size[b]):
            break
        parent[b] = a
        size[a] += size[b]
    merged: dict[int, list[int]] = defaultdict(list)
    for g, members in enumerate(groups):
        merged[root(g)].extend(members)
    return [merged[g] for g in sorted(merged)]
