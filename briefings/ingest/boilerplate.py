"""Boilerplate inside a line of news text, recognised by shape and position, cut span by span.

Scraped Korean news often arrives as one line per paragraph, or one line per article, with the
wire dateline and byline glued to the front ("【서울=뉴시스】홍길동 기자 = …"), photo credits in
brackets inside the text ("(사진=…)", "(카카오 제공)", "…/연합뉴스"), and the reporter's e-mail,
promotions ("▶ 네이버에서 … 구독하기") and the copyright notice glued to the end. Each of those
is recognised where it stands (the start of a line, the end of a line, or inside brackets of a
known shape) and only its span is cut; the rest of the line stays. A photo caption goes with the
credit that closes it ("… 모습 / 사진제공=X") when it reads like a caption (a noun phrase or
"…하고 있다", no sentence end inside); broadcast transcripts lose their sign-off and speaker labels.

Linear time: the head and tail rules only look at a bounded window at either end of the line, and
the inline rules are single-pass patterns whose every repetition is bounded.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

HEAD_WINDOW = 300
TAIL_WINDOW = 700
MAX_PEELS = 40  # cuts from one end of a line; a tail of boilerplate is a handful of items

_NAME = r"[가-힣]{2,4}"
_NAMES = rf"{_NAME}(?:\s{{0,2}}[,·]\s{{0,2}}{_NAME}){{0,3}}"
_ROLE = r"(?:인턴\s?기자|객원\s?기자|수습\s?기자|기자|특파원|에디터|논설위원|선임기자)"
# 홍길동 기자   홍길동·김철수 기자   이민우 기자, 이진규 기자
_BYLINES = rf"{_NAMES}\s{{0,3}}{_ROLE}(?:\s{{0,3}}[,·]\s{{0,3}}{_NAMES}\s{{0,3}}{_ROLE}){{0,3}}"
_EMAIL = r"[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,4}"
# What an outlet's name ends with; used only where a credit's shape already says "outlet here".
_WIRES = r"(?:연합뉴스|뉴스1|뉴시스|NEWSIS|Yonhap|AFP|AP|EPA|Reuters|로이터|게티이미지|DB)"
_OUTLET = (rf"(?:{_WIRES}(?![A-Za-z0-9])|[가-힣A-Za-z0-9&]{{0,10}}?"
           r"(?:뉴스|일보|신문|경제|타임스|투데이|데일리|통신|TV|tv|코리아|닷컴|저널|비즈)(?![가-힣A-Za-z0-9]))")
_PROMO_WORDS = r"(?:구독|바로가기|받아보세요|클릭|채널|네이버|다운로드|이벤트|퀴즈|무료|상담|보기|뉴스레터|읽을거리|앱)"


@dataclass(frozen=True)
class Cut:
    """One span of boilerplate: where it is, what kind, and who signed it when it names someone."""

    start: int
    end: int
    kind: str  # byline, dateline, caption credit, e-mail, promotion, copyright, credit
    name: str | None = None
    email: str | None = None
    desk: str | None = None


_HEAD = re.compile(
    # (서울=연합뉴스) 홍길동 기자 =   【서울=뉴시스】홍길동 기자 =   (지디넷코리아=김민선 기자)
    rf"(?P<dateline>[(\[【<]\s{{0,3}}(?P<place>[가-힣A-Za-z·]{{1,12}})\s{{0,3}}=\s{{0,3}}(?P<wdesk>[^()\[\]【】<>\n]{{1,25}}?)"
    rf"\s{{0,3}}[)\]】>](?:\s{{0,3}}(?P<wname>{_NAMES})\s{{0,3}}{_ROLE}?\s{{0,3}}=)?)"
    # [이데일리 김성곤 기자]   [ 박상익 기자 ]   [안희찬기자 chani@mk.co.kr]
    rf"|(?P<bracket>[\[(【]\s{{0,3}}(?:(?P<bdesk>[^\[\]()【】\s]{{2,15}})\s{{1,3}})?(?P<bname>{_NAMES})\s{{0,3}}{_ROLE}"
    rf"\s{{0,3}}(?P<bemail>{_EMAIL})?\s{{0,3}}[\])】])"
    # 홍길동 기자 =
    rf"|(?P<lead>(?P<lname>{_NAMES})\s{{0,3}}{_ROLE}\s{{0,3}}=)"
    # [서울경제] [한국경제TV]: a bracketed outlet name opening the text
    rf"|(?P<outlet>\[\s{{0,3}}(?P<odesk>{_OUTLET})\s{{0,3}}\])"
    # (ATTN: ADDS details in paras 9-11)  (LEAD)  (2nd LD)  (URGENT): English wire editors' notes
    r"|(?P<editor>\((?:ATTN|LEAD|URGENT|UPDATE|CORRECTED|REPEAT|\d(?:st|nd|rd|th)\s?LD)\b[^()\n]{0,300}\))"
    # SEOUL, April 19 (Yonhap) --   WASHINGTON, May 2 (AFP) -: English wire datelines
    r"|(?P<edateline>[A-Z][A-Za-z .'-]{1,30},\s[A-Z][a-z]{2,8}\.?\s\d{1,2}\s\([A-Za-z .]{2,20}\)"
    r"\s?[-\u2013\u2014]{1,2})"
    # © 뉴스1 left in front of the text by a photo credit
    rf"|(?P<credit>[ⓒ©]\s{{0,3}}[^\s(\[]{{1,15}}|(?:동영상|영상|포토)\s?뉴스(?=\s))"
)

_INLINE = re.compile(
    # (사진=…) [사진 네이버] (자료제공: …) [그래픽=…]
    r"(?P<caption>[\[(]\s{0,3}(?:사진|자료|그래픽|영상|이미지|화면|캡처|일러스트)\s{0,3}(?:제공|출처)?\s{0,3}[=:ㅣ|]?"
    r"[^\[\]()\n]{0,40}[\])])"
    # (카카오 제공)  [현대차 제공]
    r"|(?P<provided>[\[(][^\[\]()\n]{1,30}?\s{0,3}제공\s{0,3}[\])])"
    # / 사진제공=수원시   /사진=이기범 기자
    rf"|(?P<slash>/\s{{0,3}}[^\s/()\[\]]{{1,15}}?\s?제공|/\s{{0,3}}(?:사진|그래픽|자료)\s{{0,3}}(?:제공)?\s{{0,3}}[=:]\s{{0,3}}(?:[가-힣]{{1,10}}|[A-Za-z0-9&]{{1,15}})(?:\s{{0,3}}{_ROLE})?)"
    # 【서울=뉴시스】 anywhere, (서울=뉴스1) 홍길동 기자 = anywhere
    rf"|(?P<lenticular>【[^【】\n]{{1,30}}】(?:\s{{0,3}}{_NAMES}\s{{0,3}}{_ROLE}\s{{0,3}}=)?)"
    rf"|(?P<wireline>[(\[][가-힣A-Za-z·]{{1,12}}\s{{0,3}}=\s{{0,3}}[^()\[\]\n]{{1,25}}?[)\]]\s{{0,3}}{_NAMES}\s{{0,3}}{_ROLE}\s{{0,3}}=)"
    rf"|(?P<wirein>[(\[][가-힣A-Za-z0-9·]{{1,12}}\s{{0,3}}=\s{{0,3}}{_NAMES}\s{{0,3}}{_ROLE}\s{{0,3}}[)\]])"
    # [ 박상익 기자 ]  [아이뉴스24 민혜정 기자]: a bracket holding just a byline
    rf"|(?P<inbyline>[\[【]\s{{0,3}}(?:[^\[\]()【】\s|]{{2,15}}\s{{0,3}}[|ㅣ]?\s{{0,3}}(?={_NAME}))?{_BYLINES}"
    rf"\s{{0,3}}[\]】])"
    # 홍길동 기자 hong@x.co.kr, or a bare address, between sentences (not "문의는 a@b.com으로")
    rf"|(?P<signed>(?:(?<![가-힣])(?:{_NAMES})\s{{0,3}}{_ROLE}\s{{0,3}}|(?<=[.!?”\"]\s)|(?<=[.!?”\"]))"
    rf"{_EMAIL}(?!\s{{0,2}}(?:으로|로|에|를|을|이|가|와|과|\.[A-Za-z]))(?![A-Za-z0-9.-]))"
    # broadcast speaker labels: [앵커] [기자] <앵커>
    r"|(?P<speaker>[\[<](?:앵커|기자|리포트|앵커 멘트|기자 리포트)[\]>])"
    # 사진=네이버 제공, unbracketed between sentences
    r"|(?P<bare_photo>(?<![가-힣A-Za-z])사진\s{0,2}(?:제공\s{0,2})?[=:]\s{0,2}[가-힣A-Za-z0-9&]{1,12}(?:\s?제공)?)"
    # ⓒ 대우조선지회 after a photo
    r"|(?P<copy_credit>[ⓒ©]\s{0,3}[^\s(\[]{1,15})"
    # 2019.11.3/뉴스1   /연합뉴스
    rf"|(?P<wire>(?:\d{{4}}\.\s?\d{{1,2}}\.\s?\d{{1,2}}\.?\s{{0,2}})?/\s{{0,2}}{_OUTLET})"
)

_TAIL_STRONG = re.compile(
    # 저작권자 ⓒ …, 무단 전재 및 재배포 금지; Copyright …
    r"(?:(?P<copyright>[<\[(＜※]?\s{0,3}(?:[A-Za-z ]{0,20}\s)?(?:저작권자|Copyright|ⓒ|©|\([cC]\))"
    r"(?:(?=[^▶☞]{0,160}(?:무단|금지|금합니다|[Rr]eserved|RESERVED))[^▶☞]{0,160}|[^.!?▶☞]{0,40})"
    r"|[^.!?\]>)@▶☞]{0,40}무단\s{0,2}(?:전재|복제|배포)[^▶☞]{0,100})"
    # ▶ 네이버에서 … 구독하기
    rf"|(?P<promo>[▶☞](?=[^▶☞]{{0,100}}{_PROMO_WORDS})[^▶☞]{{0,100}})"
    rf"|(?P<promo_text>[^.!?\]>▶☞\[]{{0,40}}(?:구독하기|구독해\s?주세요|받아보세요|바로가기|구독신청)[!.]?)"
    # [박현익 기자 beepark@chosunbiz.com]  (cleanrap@dailygame.co.kr)
    rf"|(?P<bracket>[\[(<](?=[^\[\]()<>\n]{{0,60}}(?:기자|특파원|에디터|@))\s{{0,3}}(?:(?P<bdesk>[^\[\]()\s]{{2,15}})\s{{1,3}}(?={_NAME}))?(?:(?P<bname>{_NAMES})\s{{0,3}}{_ROLE})?"
    rf"\s{{0,3}}(?P<bemail>{_EMAIL})?\s{{0,3}}[\])>])"
    # / 사진=‘월혼’ 캡처
    rf"|(?P<photo>/\s{{0,3}}(?:사진|그래픽|자료|영상)\s{{0,3}}(?:제공)?\s{{0,3}}[=:][^/▶☞\n]{{1,30}})"
    # KBS 뉴스 박대기입니다.
    rf"|(?P<signoff>(?:[A-Za-z가-힣0-9]{{2,10}}\s?뉴스|지금까지\s?[A-Za-z가-힣0-9]{{2,10}})\s?{_NAME}(?:입니다|였습니다)\.?)"
    # [기자 …]chosunbiz.com
    rf"|(?P<domain>(?<=[\])>])(?:www\.)?[\w-]{{1,40}}\.(?:com|co\.kr|kr|net))"
    # 김은진 기자 , 김대현 인턴기자   /서윤배 기자   데일리안 이호연 기자   임세정 기자 fish813@kmib.co.kr
    rf"|(?P<reporter>(?<![가-힣A-Za-z0-9.@])/?\s{{0,3}}(?:[가-힣A-Za-z0-9]{{2,12}}\s{{1,2}}(?={_NAME}))?(?P<rname>{_NAMES}|[가-힣]{{2,8}}팀)\s{{0,3}}{_ROLE}\s{{0,3}},?"
    rf"(?:\s{{0,3}}(?P<remail>{_EMAIL}))?)"
    rf"|(?P<email>(?<![A-Za-z0-9_%+-])(?<![A-Za-z0-9]\.)(?P<eemail>{_EMAIL}|[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{{0,63}}@)(?![A-Za-z0-9@]))"
    rf"|(?P<wire>(?:\d{{4}}\.\s?\d{{1,2}}\.\s?\d{{1,2}}\.?\s{{0,2}})?/\s{{0,2}}{_OUTLET})"
    r")\s*$"
)
# What any _TAIL_STRONG match must contain (a literal of each alternative, its lookaheads included):
# most lines end in plain running text and hold none of them near their end, so the costly search,
# which tries every start in a 700-character window, is skipped (see _strong_tail).
_TAIL_HINT = re.compile(r"저작권자|Copyright|[ⓒ©▶☞/@]|\([cC]\)|무단|구독|받아보세요|바로가기"
                        r"|기자|특파원|에디터|논설위원|니다|\.(?:com|kr|net)")
# The longest text a match of each tail pattern spans before its trailing spaces (checked by a test
# against the pattern's own width): a match ends at the window's end, so it starts at most this far
# back, and the search need not try the starts before (it takes most of a long line's cleaning).
TAIL_STRONG_REACH = 460
TAIL_WEAK_REACH = 130
TAIL_NAME_REACH = 10
# A bare name just before the e-mail that was cut after it ("김성곤 (skzero@…)").
_TAIL_NAME = re.compile(rf"(?<![가-힣])(?!{_ROLE})(?P<rname>{_NAME})\s{{0,3}}$")
# Only once a tail of boilerplate has begun: short bracketed items, stray ▶, bare domains.
_TAIL_WEAK = re.compile(
    r"(?:\[[^\[\]\n]{0,80}\]|<[^<>\n]{0,40}>|[▶☞][^▶☞\[\]\n]{0,60}"
    r"|(?:(?<=[\]>])|(?<=[가-힣\"”’'][.!?]))[^.!?\[\]<>▶☞\n]{1,30}"  # a fragment after an item or a sentence
    r"|(?<![\w.@-])(?:www\.)?[\w-]{1,40}\.(?:com|co\.kr|kr|net)"
    r"|(?<![A-Za-z0-9.@])[^.!?\[\]▶☞\n]{0,30}:|[/|·]|,"
    # "네이버 메인에서 … 볼 수 있어요." (never a sentence ending in 다)
    rf"|(?<![A-Za-z0-9.@)])[^.!?\[\]<>▶☞\n]{{0,60}}네이버[^.!?\[\]<>▶☞\n]{{0,60}}(?<!다)[.!]?"
    rf"|(?<![A-Za-z0-9.@])[^.!?\[\]<>▶☞\n]{{0,30}}{_PROMO_WORDS}[^.!?\[\]<>▶☞\n]{{0,30}}!?)\s*$")

CAPTION_CHARS = 200
# A sentence end inside a would-be caption (then it is body), and how a caption ends.
_SENTENCE_INSIDE = re.compile(r"[.!?][\"'”’)]*(?:\s+|(?=[가-힣A-Z]))(?=\S)")
# A photo caption ends in a noun phrase or "…하고 있다", not in a reporting verb ("…했다", "밝혔다").
_CAPTION_END = re.compile(r"(?:있다|[^다\s.)])[.)]*\s*$")

_HEAD_KINDS = {"dateline": "dateline", "bracket": "byline", "lead": "byline", "outlet": "credit", "credit": "credit",
               "editor": "editor's note", "edateline": "dateline"}
_INLINE_KINDS = {"caption": "caption credit", "provided": "caption credit", "slash": "photo credit",
                 "copy_credit": "caption credit",
                 "lenticular": "dateline", "wireline": "dateline",
                 "wirein": "dateline", "inbyline": "byline", "wire": "caption credit", "signed": "byline",
                 "speaker": "credit", "bare_photo": "caption credit"}
_TAIL_KINDS = {"photo": "caption credit", "signoff": "byline", "domain": "credit",
               "copyright": "copyright", "promo": "promotion", "promo_text": "promotion", "bracket": "byline",
               "reporter": "byline", "email": "e-mail", "wire": "caption credit"}
_SPACE_LIKE = str.maketrans({"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
                             "\u3000": " ", "\ufeff": ""})


def normalise(text: str) -> str:
    """HTML entities decoded (&apos; too), no-break and zero-width spaces made plain."""
    if "&" in text:
        text = html.unescape(text)
    return text.translate(_SPACE_LIKE)


def _signed(match: re.Match[str], prefix: str) -> tuple[str | None, str | None, str | None]:
    groups = match.groupdict()
    name = groups.get(f"{prefix}name")
    email = groups.get(f"{prefix}email")
    desk = groups.get(f"{prefix}desk")
    if name:
        name = re.split(r"\s*[,·]\s*", name)[0]
    return name, email, desk


def _head_cuts(text: str) -> list[Cut]:
    cuts: list[Cut] = []
    pos = 0
    for _ in range(MAX_PEELS):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        window = text[:pos + HEAD_WINDOW]
        match = _HEAD.match(window, pos) or _INLINE.match(window, pos)
        if not match or match.end() == pos:
            break
        kind = match.lastgroup or "credit"
        if match.re is _INLINE:
            cuts.append(Cut(pos, match.end(), _INLINE_KINDS[kind]))
            pos = match.end()
            continue
        prefix = {"dateline": "w", "bracket": "b", "lead": "l", "outlet": "o"}.get(kind, "")
        name, email, desk = _signed(match, prefix) if prefix else (None, None, None)
        if kind == "dateline":
            desk = match["wdesk"]
        cuts.append(Cut(pos, match.end(), _HEAD_KINDS[kind], name, email, desk))
        pos = match.end()
    return cuts


def _strong_tail(window: str) -> re.Match[str] | None:
    """`_TAIL_STRONG.search(window)`, the same match, without trying starts that cannot match."""
    if not _tail(_TAIL_HINT, TAIL_STRONG_REACH, window):
        return None
    return _tail(_TAIL_STRONG, TAIL_STRONG_REACH, window)


def _tail(pattern: re.Pattern[str], reach: int, window: str) -> re.Match[str] | None:
    """`pattern.search(window)` for a pattern anchored at the end, trying only starts within reach
    (a search from a position, not of a slice: lookbehinds still see the text before it)."""
    return pattern.search(window, max(0, len(window) - reach))


def _tail_cuts(text: str, floor: int) -> list[Cut]:
    cuts: list[Cut] = []
    end = len(text.rstrip())
    base = max(floor, end - TAIL_WINDOW)
    for _ in range(MAX_PEELS):
        window = text[base:end]
        match = _strong_tail(window)
        if cuts:  # inside a tail of boilerplate the leftmost item of either kind is next
            weak = _tail(_TAIL_WEAK, TAIL_WEAK_REACH, window)
            if weak and (match is None or weak.start() < match.start()):
                match = weak
        bare = (_tail(_TAIL_NAME, TAIL_NAME_REACH, window) if cuts and cuts[-1].email and cuts[-1].name is None
                else None)
        if bare and (match is None or bare.start() <= match.start()):
            match = bare
        if match is None or match.start() == match.end():
            break
        kind = "reporter" if match.re is _TAIL_NAME else match.lastgroup or ""
        start = base + match.start()
        prefix = {"bracket": "b", "reporter": "r", "email": "e"}.get(kind, "")
        name, email, desk = _signed(match, prefix) if prefix else (None, None, None)
        cuts.append(Cut(start, end, _TAIL_KINDS.get(kind, "credit"), name, email, desk))
        end = len(text[:start].rstrip())
        if end <= base:
            break
    return cuts


def _caption_before(text: str, floor: int, cut: Cut) -> Cut:
    """The photo caption a credit closes ("… 모습 / 사진제공=X", "…터미널./E1제공"), cut with it: the
    text back to the previous sentence end when it is short, or back to the floor at the start."""
    start = max(floor, cut.start - CAPTION_CHARS)
    before = text[start:cut.start].rstrip(" .")  # the caption's own full stop
    ends = list(_SENTENCE_INSIDE.finditer(before))
    begin = start + ends[-1].end() if ends else start
    if not ends and start > floor:
        return cut  # no sentence end within reach: the credit sits inside running text
    caption = text[begin:cut.start].strip()
    end = cut.end + 1 if text[cut.end:cut.end + 1] == "." and text[cut.end + 1:cut.end + 2].strip() else cut.end
    after = text[end:end + 1]
    if not caption or not _CAPTION_END.search(caption) or (after and after in ".,)"):
        return cut  # "…출시했다(사진)." : the credit ends a sentence of body text
    return Cut(begin, end, "caption")


def _with_caption(text: str, floor: int, inline: list[Cut]) -> list[Cut]:
    """Captions go with their credits: a slash credit anywhere, the first credit at the start."""
    out: list[Cut] = []
    for i, cut in enumerate(inline):
        lower = out[-1].end if out else floor
        opening = i == 0 and cut.kind in ("caption credit", "photo credit") and cut.start - floor <= CAPTION_CHARS
        if cut.kind == "photo credit" or opening:
            cut = _caption_before(text, lower, cut)
        out.append(cut)
    return out


def find_boilerplate(text: str) -> list[Cut]:
    """Spans of boilerplate in one line, in order, never overlapping."""
    head = _head_cuts(text)
    floor = head[-1].end if head else 0
    tail = _tail_cuts(text, floor)
    ceiling = tail[-1].start if tail else len(text)
    inline = [Cut(m.start(), m.end(), _INLINE_KINDS[m.lastgroup or "caption"])
              for m in _INLINE.finditer(text, floor, ceiling)]
    return [*head, *_with_caption(text, floor, inline), *reversed(tail)]


def strip_boilerplate(text: str) -> tuple[str, list[Cut]]:
    """The line without its boilerplate spans, and the spans cut (empty text if all of it was)."""
    cuts = find_boilerplate(text)
    if not cuts:
        return text.strip(), []
    kept: list[str] = []
    pos = 0
    for cut in cuts:
        kept.append(text[pos:cut.start])
        pos = cut.end
    kept.append(text[pos:])
    # a cut inside running text leaves a gap; keep one space where words met
    joined = " ".join(piece.strip() for piece in kept if piece.strip())
    return joined, cuts
