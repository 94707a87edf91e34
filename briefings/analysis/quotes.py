"""Direct quotes in a Korean news sentence and the words that attribute them.

Spans are “…”, "…", 「…」 and 『…』, each closed within MAX_QUOTE characters (an unclosed mark is
not a quote). A span is speech when a speech clause follows it (`…라고 말했다`, `…며`, `…고 했다`).
Speaker candidates are subjects (`홍길동 사장은`, `박 사장은`, `그는`, `업계 관계자는`); which one
speaks is decided in people.py, which knows the article's people. Every scan here is one pass over
the sentence, with regexes only on bounded windows, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from briefings.analysis.names import SUBJECT, _words, split_particle, words

MAX_QUOTE = 2000
MIN_QUOTE = 4
_PAIRS = {"“": "”", "「": "」", "『": "』"}
_WINDOW = 90  # characters after a closing mark searched for the speech clause
# The particle that ties a quote to its verb (`라고`, `고`, `라며`, `며`, `면서`, `라는`).
_LINK = re.compile(r"\s?(?:이?라고|고|이?라며|며|면서|이?라면서|이?라는|하고|란|이?라|이?라던|이?라면)(?=[\s,.]|$)")
_SPEECH_STEM = _words(
    "말하 말했 밝히 밝혔 강조하 강조했 설명하 설명했 덧붙이 덧붙였 전하 전했 지적하 지적했 주장하 주장했 "
    "내다봤 내다보 분석하 분석했 평가하 평가했 예상하 예상했 전망하 전망했 당부하 당부했 언급하 언급했 "
    "답하 답했 물었 묻 반문하 반문했 토로하 토로했 털어놨 털어놓 귀띔하 귀띔했 소개하 소개했 약속하 "
    "약속했 다짐하 다짐했 역설하 역설했 꼬집었 꼬집 주문하 주문했 조언하 조언했 부연하 부연했 답변하 "
    "답변했 호소하 호소했 우려하 우려했 진단하 진단했 자신하 자신했 자평하 자평했 해명하 해명했 발표하 "
    "발표했 했다 한다 했고 하며 하면서 했습니다 합니다 했으며 입을 목소리를 밝힌 말한 강조한 설명한 전한 "
    "지적한 했 알렸 알리 말씀 덧붙 답했 응답 인사말 격려하 격려했 지시 말한 전한 언급한 주문한 당부한 "
    "요청한 요구한 촉구한 호소한 지시하 지시했 말을 밝힌 언급 설명 강조 답 요구하 요구했 전망 평가 예측하 "
    "예측했 내비쳤 피력하 피력했 선언하 선언했 촉구하 촉구했 제안하 제안했 요청하 요청했 경고하 경고했 "
    "회고하 회고했 고백하 고백했")
_PRONOUNS = frozenset(["그는", "그녀는", "그가", "그녀가", "그도", "그녀도", "그는요"])
# Who speaks without a name: officials, sides, sources, experts, and the market.
_UNNAMED_STEMS = _words(
    "관계자 측 소식통 전문가 당국자 담당자 실무자 관계자들 전문가들 임원 직원 인사 고위관계자 대변인 "
    "애널리스트 연구원 이코노미스트 업계 시장 증권가 일각 투자자 관계당국 회사 당국 정부 노조 사측 "
    "소비자 고객 주민 누리꾼 네티즌 변호인 변호인단 대리인 측근 지인 참석자 목격자")
_STEMS_LONGEST_FIRST = tuple(sorted(_UNNAMED_STEMS, key=len, reverse=True))
_UNNAMED_PLACE = ("에서는", "에선", "에서도")
_SKIP_BEFORE = frozenset(_words("한 또 다른 이 해당 모 A 일부 여러 다수 많은 주요 복수의 익명을 익명의 요구한"))
_THIS_WAY = re.compile(r"(?:이같이|이렇게|이와 같이|이처럼|다음과 같이)")


@dataclass(frozen=True)
class Span:
    start: int  # index of the opening mark
    end: int  # index after the closing mark
    text: str


@dataclass(frozen=True)
class Actor:
    """A possible speaker in a sentence: a pronoun, a lone surname with role, or an unnamed source."""

    start: int
    kind: str  # "pronoun" | "short" | "unnamed"
    subject: bool
    surname: str = ""
    role: str | None = None
    at: int = -1  # where the pronoun, role or source word itself starts


def quote_spans(text: str) -> list[Span]:
    """Balanced, bounded quote spans in order; one forward pass with monotone pointers."""
    closers: dict[str, list[int]] = {c: [] for c in (*_PAIRS.values(), '"')}
    for i, ch in enumerate(text):
        if ch in closers:
            closers[ch].append(i)
    ptr = dict.fromkeys(closers, 0)
    spans: list[Span] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        close = _PAIRS.get(ch) or ('"' if ch == '"' else None)
        if close is None:
            i += 1
            continue
        positions = closers[close]
        k = ptr[close]
        while k < len(positions) and positions[k] <= i:
            k += 1
        ptr[close] = k
        if k < len(positions) and positions[k] - i <= MAX_QUOTE:
            j = positions[k]
            inner = text[i + 1:j].strip()
            if len(inner) >= MIN_QUOTE:
                spans.append(Span(i, j + 1, inner))
            i = j + 1
        else:
            i += 1
    return spans


def speech_clause(text: str, end: int) -> tuple[bool, bool]:
    """After a closing mark at `end`: (is speech, clause ends the sentence's speech with a final verb)."""
    window = text[end:end + _WINDOW]
    link = _LINK.match(window)
    if link is None:
        # "“…” 홍길동 사장의 말이다" and "“…”(홍길동 사장)" are rare; only linked quotes count.
        return False, False
    rest = window[link.end():]
    if rest.lstrip().startswith(("“", '"', "「")):
        return True, False  # `“…”며 “…”라고 말했다`: the next quote carries the verb
    for _, _, word in words(rest)[:7]:
        if word.startswith(("“", '"', "「")):
            return False, False
        if any(stem in word for stem in _SPEECH_STEM):
            final = word.rstrip(".!?”\"'’").endswith(("다", "했고", "했으며", "다고"))
            return True, final
        if word.endswith((".", "?", "!")):
            return False, False
    return False, False


def this_way(sentence: str) -> bool:
    """`… 이같이 말했다`: a sentence that attributes the quote-only sentences before it."""
    m = _THIS_WAY.search(sentence)
    if m is None:
        return False
    rest = sentence[m.end():m.end() + 40]
    return any(stem in rest for stem in _SPEECH_STEM)


def actors(sentence: str, ws: list[tuple[int, int, str]] | None = None) -> list[Actor]:
    """Pronouns, `박 사장은`-style short references and unnamed sources, in order."""
    ws = words(sentence) if ws is None else ws
    out: list[Actor] = []
    for i, (start, _, raw) in enumerate(ws):
        word = raw.strip("“”\"'‘’()[],.")
        if word in _PRONOUNS:
            out.append(Actor(start, "pronoun", True, at=start))
            continue
        pair = split_particle(raw)
        if pair is not None and i > 0:
            prev = ws[i - 1][2].lstrip("“\"‘'(")
            if prev in ("전", "前") and i > 1:
                prev = ws[i - 2][2].lstrip("“\"‘'(")
            if len(prev) == 1 and "가" <= prev <= "힣":
                out.append(Actor(ws[i - 1][0], "short", pair[1] in SUBJECT, prev, pair[0], at=start))
                continue
            if pair[1] in SUBJECT and prev not in _SKIP_BEFORE:
                # `문트 청장은`, `한 핀테크 업체 대표는`: a role nobody named (a named one is dropped later)
                out.append(Actor(ws[i - 1][0], "unnamed", True, role=f"{prev} {pair[0]}", at=start))
                continue
        unnamed = _unnamed(ws, i, word)
        if unnamed is not None:
            out.append(Actor(start if unnamed[1] == 0 else ws[i - unnamed[1]][0], "unnamed", True, role=unnamed[0],
                             at=start))
    return out


_NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "NNB", "XSN", "SN")
_NOT_SUBJECTS = frozenset(_words(
    "이날 올해 지난해 내년 당시 현재 최근 오늘 향후 이번 이후 전날 그동안 지금 앞서 한편 이 그 이것 이는 "
    "그것 저 것 때 경우 점 수 가운데 이어 특히 또한 다만 하지만 결과 측면 부분 문제 상황 이유"))
_HEAD_WINDOW = 120


def head_subject(text: str, start: int, end: int) -> tuple[int, str] | None:
    """A noun marked as subject or topic (`금융위원회는`, `KISO는`) in text[start:end], the last one.

    Only the last HEAD_WINDOW characters are read, so the cost stays bounded per quote.
    """
    from briefings.analysis.korean import _tokens

    start = max(start, end - _HEAD_WINDOW)
    piece = text[start:end]
    tokens = _tokens(piece)
    found = None
    for prev, tok in pairwise(tokens):
        is_particle = (tok.tag == "JX" and tok.form in ("은", "는", "ᆫ")) or (tok.tag == "JKS")
        if is_particle and prev.tag.startswith(_NOUN_TAGS) and prev.start + prev.len == tok.start:
            word_start = piece.rfind(" ", 0, prev.start) + 1
            phrase = piece[word_start:tok.start].strip("“”\"'‘’()[],.·")
            if phrase and prev.form not in _NOT_SUBJECTS and phrase not in _NOT_SUBJECTS:
                found = (start + word_start, phrase)
    return found


def _unnamed(ws: list[tuple[int, int, str]], i: int, word: str) -> tuple[str, int] | None:
    """(`업계 관계자`, words back) when the word is an unnamed source in subject position."""
    if not word.startswith(_STEMS_LONGEST_FIRST) and "측" not in word[1:] and "관계자" not in word[1:]:
        return None  # what the loop below would conclude, in one check instead of one per stem
    stem = None
    for s in _STEMS_LONGEST_FIRST:
        if not word.startswith(s) and not (s in ("측", "관계자") and s in word[1:]):
            continue
        head = word[: word.index(s) + len(s)]
        tail = word[len(head):]
        if tail in SUBJECT or tail in _UNNAMED_PLACE or (tail == "에" and i + 1 < len(ws)
                                                          and ws[i + 1][2].startswith("따르면")):
            stem = head
        break
    if stem is None:
        return None
    back = 0
    parts = [stem]
    j = i - 1
    while j >= 0 and back < 2:
        prev = ws[j][2].strip("“”\"'‘’()[]")
        if not prev or ws[j][2][-1] in ",.”\"’)" or prev in _SKIP_BEFORE or prev[-1] in "은는이가을를에의도와과":
            break
        parts.insert(0, prev)
        back += 1
        j -= 1
    return " ".join(parts), back
