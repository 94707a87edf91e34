"""People with their role and company ("구현모 KT 사장"), and direct quotes with their speaker.

A quote goes to a named person only when the sentence says so: the subject of its speech clause is
that person (`홍길동 부사장은 "…"라고 말했다`), a short reference to someone already named with the
same surname and role (`박 사장은`), `그는` for the nearest person named in this or the previous
sentence, or no subject at all right after a sentence whose speaker is known (Korean drops a
repeated subject: `이어 "…"고 덧붙였다`). Unnamed sources (`업계 관계자는`, `회사 측은`) stay unnamed,
their description kept as the role.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

from briefings.analysis.names import add_roles, find_mentions, words
from briefings.analysis.quotes import Actor, Span, actors, head_subject, quote_spans, speech_clause, this_way
from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Paragraph, Person, Quote

_CHAIN = 2  # a dropped subject carries over at most this many sentences
_HEAD = 60  # characters at the start of a quote-less sentence searched for its subject


@dataclass
class _Who:
    """A resolved speaker: a named person, or an unnamed source described by its role."""

    person: Person | None
    role: str | None = None

    @property
    def named(self) -> bool:
        return self.person is not None


@dataclass
class _State:
    people: dict[str, Person] = field(default_factory=dict)
    order: dict[str, None] = field(default_factory=dict)  # names, most recent mention last
    prev_named: Person | None = None  # the last named person of the previous sentence
    prev_who: _Who | None = None  # the speaker/subject of the previous sentence
    chain: int = 0
    unread: list[str] = field(default_factory=list)  # quote-less sentences since prev_who, not yet read
    pending: list[tuple[int, str, str]] = field(default_factory=list)  # quote-only sentences

    def seen(self, person: Person) -> Person:
        known = self.people.get(person.name)
        if known is None or (known.company is None and person.company):
            self.people[person.name] = person
            known = person
        self.order.pop(person.name, None)
        self.order[person.name] = None
        return known


# Titles news uses for the same post (`최인혁 최고운영책임자(COO)` … `최 COO는`, `구현모 대표` … `구 사장은`).
_FAMILIES = [frozenset(f.split()) for f in (
    "대표 대표이사 사장 CEO 최고경영자 공동대표 각자대표",
    "회장 그룹회장 명예회장",
    "연구원 애널리스트 연구위원 선임연구원 수석연구원 책임연구원 선임연구위원 이코노미스트",
    "교수 석좌교수 명예교수 부교수 조교수",
    "COO 최고운영책임자", "CFO 최고재무책임자", "CTO 최고기술책임자",
    "행장 은행장", "의원 원내대표 당대표",
)]


def _roles_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    if a == b or a.endswith(b) or b.endswith(a):
        return True  # `대표이사 부회장` … `부회장`
    last_a, last_b = a.split()[-1], b.split()[-1]
    return any(last_a in f and last_b in f for f in _FAMILIES)


class PeopleFinder:
    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        add_roles(taxonomy.spec.roles)

    def _company(self, *orgs: str | None) -> str | None:
        for org in orgs:
            if not org:
                continue
            for cid, finder in self.taxonomy.company_finders.items():
                if finder.find(org):
                    return cid
        return None

    def _is_company(self, word: str) -> bool:
        return any(m.start == 0 and m.end == len(word) for f in self.taxonomy.company_finders.values()
                   for m in f.find(word))

    def people_in(self, text: str, paragraph: int) -> list[tuple[int, Person]]:
        return [(m.start, Person(m.name, m.role, self._company(m.org, m.before), paragraph))
                for m in find_mentions(text, is_org=self._is_company)]

    def find(self, paragraphs: list[Paragraph]) -> tuple[list[Person], list[Quote]]:
        state = _State()
        quotes: list[Quote] = []
        for para in paragraphs:
            if para.kind == "caption":
                continue
            if para.kind != "body":
                for _, person in self.people_in(para.text, para.index):
                    state.seen(person)
                state.prev_who, state.prev_named, state.pending, state.unread = None, None, [], []
                continue
            for sentence in para.sentences or [para.text]:
                quotes.extend(self._sentence(sentence, para.index, state))
        return list(state.people.values()), quotes

    def _sentence(self, sentence: str, paragraph: int, state: _State) -> list[Quote]:
        ws = words(sentence)
        mentions = find_mentions(sentence, ws, self._is_company)
        named = [(m.start, state.seen(Person(m.name, m.role, self._company(m.org, m.before), paragraph)))
                 for m in mentions]
        subjects = {m.start for m in mentions if m.subject}
        found = actors(sentence, ws)
        spans = quote_spans(sentence)
        inside = _inside(spans)
        cands: list[tuple[int, bool, _Who]] = []
        covered = _inside([Span(m.start, m.end, "") for m in mentions])
        for pos, person in named:
            if not inside(pos):
                cands.append((pos, pos in subjects, _Who(person)))
        for act in found:
            if inside(act.start) or covered(act.at):
                continue  # `염태영 시장은`: the role word belongs to a named mention
            who = self._resolve(act, named, state)
            if who is not None:
                cands.append((act.start, act.subject, who))
        for pos, who in self._company_subjects(ws, inside):
            cands.append((pos, True, who))
        cands.sort(key=lambda c: c[0])

        out: list[Quote] = []
        sentence_who: _Who | None = None
        if state.pending and this_way(sentence):
            who = _subject(cands, 0, len(sentence)) or self._inherited(state)
            for para, text, sent in state.pending:
                out.append(_quote(who, text, para, sent))
            sentence_who = who
        state.pending = []
        seg_start = 0
        group: list[Span] = []
        for span in spans:
            speech, final = speech_clause(sentence, span.end)
            if not speech:
                group = []
                continue
            group.append(span)
            if not final and span is not spans[-1]:
                continue
            verb_end = min(len(sentence), span.end + 90)
            who = _subject(cands, seg_start, group[0].start, group[-1].end, verb_end)
            if who is None:
                other = head_subject(sentence, seg_start, group[0].start)
                # an explicit subject nobody resolved (`금융위원회는 "…"`) speaks unnamed; none at all
                # means Korean dropped a repeated subject, so the previous speaker carries over
                who = _Who(None, other[1]) if other else (sentence_who or self._inherited(state))
            out.append(_quote(who, " … ".join(s.text for s in group), paragraph, sentence))
            sentence_who = who or sentence_who
            seg_start, group = span.end, []
        if spans and not out and _quote_only(sentence, spans):
            state.pending = [(paragraph, " … ".join(s.text for s in spans), sentence)]

        if sentence_who is None:
            sentence_who = _subject(cands, 0, len(sentence))
        if sentence_who is not None:
            state.prev_who, state.chain, state.unread = sentence_who, 0, []
        elif spans or state.chain >= _CHAIN:
            state.prev_who, state.chain, state.unread = None, 0, []
        else:
            # no subject found cheaply: keep the sentence, whose subject kiwi reads only if a quote needs it
            state.unread.append(sentence)
            state.chain += 1
        last_named = [who.person for _, _, who in cands if who.named]
        if sentence_who is not None and sentence_who.named:
            last_named.append(sentence_who.person)
        state.prev_named = last_named[-1] if last_named else None
        return out

    def _inherited(self, state: _State) -> _Who | None:
        """The subject a dropped-subject quote continues: the latest sentence's, read lazily."""
        for sentence in reversed(state.unread):
            other = head_subject(sentence, 0, min(len(sentence), _HEAD))
            if other:
                return _Who(None, other[1])
        return state.prev_who

    def _resolve(self, act: Actor, named: list[tuple[int, Person]], state: _State) -> _Who | None:
        if act.kind == "unnamed":
            return _Who(None, act.role)
        near = [p for pos, p in named if pos < act.start] or ([state.prev_named] if state.prev_named else [])
        if act.kind == "pronoun":
            # unresolved, `그는` still marks a subject: the quote stays unattributed, nothing carries over
            if near:
                return _Who(near[-1])
            prev = self._inherited(state)
            return _Who(None, prev.role) if prev is not None and not prev.named else _Who(None)
        # `박 사장은`: the latest person with that surname and a matching role (the last 50 people looked at)
        recent = list(islice(reversed(state.order), 50))
        for name in recent:
            person = state.people[name]
            if name.startswith(act.surname) and _roles_match(person.role, act.role):
                return _Who(person)
        if act.surname == "이":  # `이 부사장은` can also mean "this vice-president"
            same = [p for p in near if _roles_match(p.role, act.role)]
            if same:
                return _Who(same[-1])
        return _Who(None, act.role)

    def _company_subjects(self, ws: list[tuple[int, int, str]], inside: Callable[[int], bool]
                          ) -> list[tuple[int, _Who]]:
        """`KT는 "…"라고 밝혔다`: a company as the subject speaks unnamed, its name as the role."""
        out = []
        for start, _, raw in ws:
            word = raw.strip("“”\"'‘’()[],.")
            if len(word) >= 2 and word[-1] in "은는이가" and not inside(start):
                stem = word[:-1]
                if stem and self._is_company(stem):
                    out.append((start, _Who(None, stem)))
        return out


def _inside(spans: list[Span]) -> Callable[[int], bool]:
    starts = [s.start for s in spans]

    def check(pos: int) -> bool:
        k = bisect_right(starts, pos) - 1
        return k >= 0 and spans[k].start <= pos < spans[k].end

    return check


def _subject(cands: list[tuple[int, bool, _Who]], seg_start: int, first: int, last_end: int | None = None,
             verb_end: int | None = None) -> _Who | None:
    """The speaker of a quote group: the nearest subject before it, else a subject between quote and verb.

    cands are sorted by position; segments of successive groups do not overlap, so the walks stay linear.
    """
    k = bisect_left(cands, first, key=lambda c: c[0]) - 1
    while k >= 0 and cands[k][0] >= seg_start:
        if cands[k][1]:
            return cands[k][2]
        k -= 1
    if last_end is not None and verb_end is not None:
        k = bisect_left(cands, last_end, key=lambda c: c[0])
        while k < len(cands) and cands[k][0] < verb_end:
            if cands[k][1]:
                return cands[k][2]
            k += 1
    return None


def _quote_only(sentence: str, spans: list[Span]) -> bool:
    rest = len(sentence.strip()) - sum(s.end - s.start for s in spans)
    return rest <= 3


def _quote(who: _Who | None, text: str, paragraph: int, sentence: str) -> Quote:
    person = who.person if who else None
    if person is not None:
        return Quote(person.name, person.role, person.company, text, paragraph, sentence)
    return Quote(None, who.role if who else None, None, text, paragraph, sentence)
