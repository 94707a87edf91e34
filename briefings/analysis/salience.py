"""How much an article is about each company it names, and which sentences are that company's.

One mention is not a story: "KT 출신" in a profile of another firm's officer, or "통신 3사" in a
market round-up, names a company without being about it. The signals are the ones an editor
reads: named in the headline, named in the lead, the share of sentences that are the company's
(named, or continuing it as the subject), how often it is named, and whether it is the subject
("KT는 …", "KT가 …", "KT에 따르면 …"). Group phrases ("통신 3사") count at half weight.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from briefings.analysis.taxonomy import Taxonomy
from briefings.models import CompanyTag, Paragraph

GROUP_WEIGHT = 0.5
LEAD_SENTENCES = 2
ABOUT_THRESHOLD = 0.5  # chosen on the tuning half of tests/eval/labels/companies.jsonl
# Weights of the signals; they sum to 1 so salience stays within 0..1.
W_TITLE, W_LEAD, W_SHARE, W_COUNT, W_SUBJECT = 0.35, 0.2, 0.25, 0.1, 0.1
SHARE_FULL = 0.3  # a company in 30% of the sentences has the full share signal
COUNT_FULL = 5
# A subject or source particle right after the name, an optional parenthesis between ("KT(회장 …)는").
_SUBJECT = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:측)?(?:은|는|이|가|에 따르면|에따르면)(?![가-힣])")


@dataclass
class Signals:
    title: float = 0.0
    lead: float = 0.0
    sentences: float = 0.0  # weighted count of the company's sentences
    mentions: float = 0.0
    subject: float = 0.0

    def salience(self, total_sentences: int) -> float:
        share = self.sentences / max(1, total_sentences)
        value = (W_TITLE * self.title + W_LEAD * self.lead + W_SHARE * min(1.0, share / SHARE_FULL)
                 + W_COUNT * min(1.0, self.mentions / COUNT_FULL) + W_SUBJECT * self.subject)
        return round(min(1.0, value), 3)


def _named(taxonomy: Taxonomy, text: str) -> tuple[dict[str, float], set[str]]:
    """Companies named in one sentence with their weight (1, or 0.5 by group), and those in subject position."""
    weights: dict[str, float] = {}
    subjects: set[str] = set()
    for cid, finder in taxonomy.company_finders.items():
        for m in finder.find(text):
            weights[cid] = weights.get(cid, 0.0) + 1.0
            if _SUBJECT.match(text, m.end):
                subjects.add(cid)
    for finder, members in taxonomy.group_finders:
        for _m in finder.find(text):
            for cid in members:
                if cid not in weights or weights[cid] < 1:
                    weights[cid] = weights.get(cid, 0.0) + GROUP_WEIGHT
    return weights, subjects


def apply_salience(taxonomy: Taxonomy, tags: list[CompanyTag], paragraphs: list[Paragraph], title: str = "") -> None:
    """Fill salience, about and sentences on each tag (body and sub-heading sentences; captions aside)."""
    if not tags:
        return
    signals: dict[str, Signals] = defaultdict(Signals)
    own: dict[str, list[list[int]]] = defaultdict(list)
    title_weights, title_subjects = _named(taxonomy, title) if title else ({}, set())
    for cid, weight in title_weights.items():
        signals[cid].title = min(1.0, weight)
        if cid in title_subjects:
            signals[cid].subject = 1.0
    total = body_seen = 0
    # Unnamed sentences continue the last named subject ("KT는 … 이 서비스는 …"); a name in
    # passing ("KT 출신 …") does not make the following sentences that company's.
    current: set[str] = set()
    for para in paragraphs:
        if para.kind == "caption":
            continue
        if para.kind == "subhead":
            current = set()  # a new section starts: earlier subjects do not carry into it
        for si, sentence in enumerate(para.sentences or [para.text]):
            weights, subjects = _named(taxonomy, sentence)
            lead = para.kind == "body" and body_seen < LEAD_SENTENCES
            total += 1
            body_seen += para.kind == "body"
            if weights:
                current = set(subjects)
            for cid, weight in weights.items():
                sig = signals[cid]
                sig.mentions += weight
                sig.sentences += min(1.0, weight)
                if lead:
                    sig.lead = max(sig.lead, min(1.0, weight))
                if cid in subjects:
                    sig.subject = 1.0
                if weight >= 1:
                    own[cid].append([para.index, si])
            if not weights:
                for cid in current:
                    signals[cid].sentences += 1
                    own[cid].append([para.index, si])
    for tag in tags:
        sig = signals.get(tag.company, Signals())
        tag.salience = sig.salience(total)
        tag.about = tag.salience >= ABOUT_THRESHOLD
        tag.sentences = own.get(tag.company, [])
