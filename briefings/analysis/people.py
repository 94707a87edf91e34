"""People with their role and company ("구현모 KT 사장"), and direct quotes with their speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefings.analysis.taxonomy import Taxonomy
from briefings.models import Paragraph, Person, Quote

# Surnames that start a three-syllable name; a name must start with one to count.
SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공"
    "현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온"
    "호범좌팽승간상시갈단견당")
_AFTER_ROLE = r"(?=[은는이가의을를도과와께,\s.·)”\"’']|$)"
_QUOTE = re.compile(r"[“\"]([^”\"]{8,})[”\"]")
_ATTRIBUTION = re.compile(
    r"[”\"]\s*(?:이?라고|고|이?라며|며|면서|이?라면서)\s*(?:[^\s“\"]+\s+){0,3}?"
    r"(?:말했다|강조했다|밝혔다|설명했다|덧붙였다|주문했다|역설했다|전했다|당부했다|약속했다|말한다|강조한다|했다)")
_THIS_WAY = re.compile(r"(?:이같이|이렇게|이와 같이)\s*(?:말했다|강조했다|밝혔다|설명했다|전했다|주문했다)")
_HE = re.compile(r"^(?:또한?\s*|이어\s*)?(?:그는|그녀는)")


@dataclass
class _Patterns:
    full: re.Pattern[str]
    paren: re.Pattern[str]
    short: re.Pattern[str]


def _patterns(roles: list[str]) -> _Patterns:
    role = "|".join(sorted(map(re.escape, roles), key=len, reverse=True))
    return _Patterns(
        full=re.compile(rf"(?:(?P<org>[^\s,.“”\"()]+)\s+)?(?<![가-힣])(?P<name>[가-힣]{{3}})\s+"
                        rf"(?:(?P<org2>[^\s,.“”\"()]+)\s+)?(?P<role>{role}){_AFTER_ROLE}"),
        paren=re.compile(rf"(?P<org>[^\s,.“”\"(]+)\((?P<role>{role})\s+(?P<name>[가-힣]{{3}})"),
        short=re.compile(rf"(?<![가-힣])(?P<surname>[가-힣])\s+(?P<role>{role}){_AFTER_ROLE}"),
    )


class PeopleFinder:
    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.patterns = _patterns(taxonomy.spec.roles or ["사장", "대표", "회장"])

    def _company(self, *orgs: str | None) -> str | None:
        for org in orgs:
            if not org:
                continue
            for cid, finder in self.taxonomy.company_finders.items():
                if finder.find(org):
                    return cid
        return None

    def people_in(self, text: str, paragraph: int) -> list[tuple[int, Person]]:
        found = []
        for m in self.patterns.full.finditer(text):
            if m["name"][0] not in SURNAMES:
                continue
            company = self._company(m["org2"], m["org"])
            found.append((m.start("name"), Person(m["name"], m["role"], company, paragraph)))
        for m in self.patterns.paren.finditer(text):
            if m["name"][0] in SURNAMES:
                found.append((m.start(), Person(m["name"], m["role"], self._company(m["org"]), paragraph)))
        return sorted(found, key=lambda x: x[0])

    def find(self, paragraphs: list[Paragraph]) -> tuple[list[Person], list[Quote]]:
        people: dict[str, Person] = {}
        quotes: list[Quote] = []
        last_speaker: Person | None = None
        pending: list[tuple[Paragraph, str]] = []  # quote-only sentences waiting for "이같이 말했다"
        for para in paragraphs:
            if para.kind == "caption":
                continue
            for _, person in self.people_in(para.text, para.index):
                known = people.get(person.name)
                if known is None or (known.company is None and person.company):
                    people[person.name] = person
            if para.kind != "body":
                continue
            for sentence in para.sentences or [para.text]:
                mentioned = self._speaker_in(sentence, para.index, people)
                if mentioned is None and _HE.match(sentence):
                    mentioned = last_speaker
                spans = _QUOTE.findall(sentence)
                if _THIS_WAY.search(sentence) and pending and mentioned is not None:
                    for p, text in pending:
                        quotes.append(self._quote(mentioned, text, p.index, text))
                    last_speaker = mentioned
                pending = []
                if not spans:
                    continue
                if _ATTRIBUTION.search(sentence):
                    speaker = mentioned or last_speaker
                    quotes.append(self._quote(speaker, " … ".join(s.strip() for s in spans), para.index, sentence))
                    last_speaker = speaker or last_speaker
                elif _QUOTE.fullmatch(sentence.strip()):
                    pending.append((para, spans[0].strip()))
        return list(people.values()), quotes

    def _speaker_in(self, sentence: str, paragraph: int, people: dict[str, Person]) -> Person | None:
        # Only the part before the first quote names the speaker ("구현모 대표는 "…"").
        head = re.split(r"[“\"]", sentence, maxsplit=1)[0]
        tail_attr = _THIS_WAY.search(sentence)
        candidates = self.people_in(head, paragraph)
        if not candidates and tail_attr:
            candidates = self.people_in(sentence, paragraph)
        if candidates:
            return people.get(candidates[0][1].name, candidates[0][1])
        for m in self.patterns.short.finditer(head if not tail_attr else sentence):
            same = [p for p in people.values() if p.name[0] == m["surname"] and p.role == m["role"]]
            same = same or [p for p in people.values() if p.name[0] == m["surname"]]
            if len(same) >= 1:
                return same[-1]
        return None

    @staticmethod
    def _quote(speaker: Person | None, text: str, paragraph: int, sentence: str) -> Quote:
        return Quote(speaker.name if speaker else None, speaker.role if speaker else None,
                     speaker.company if speaker else None, text, paragraph, sentence)
