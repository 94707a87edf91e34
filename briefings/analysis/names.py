"""Korean person names in news text: `홍길동 KT 부사장`, `부사장 홍길동`, `홍길동(45) 씨`, `Tim Cook CEO`.

Everything works on whitespace words found once per text (linear); a name candidate is a 2–4
syllable Hangul word that starts with a known surname and that kiwi does not read as one common
word (`신임`, `지난해`, `이사회`). Affiliations between the name and the role (`서강대`, `KT`) are
kept as the organisation, never taken for the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공"
    "현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온"
    "호범좌팽승간상시갈단견당라")
COMPOUND_SURNAMES = frozenset({"남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "망절"})

# Titles news attaches to a person; the taxonomy may add its own.
ROLES = _words(
    "대표이사 대표 공동대표 각자대표 사장 부사장 회장 부회장 명예회장 의장 이사회의장 전무 상무 전무이사 "
    "상무이사 이사 사외이사 상임이사 감사 본부장 부문장 사업부장 사업본부장 센터장 연구소장 소장 실장 "
    "팀장 단장 그룹장 원장 부원장 국장 처장 부장 차장 과장 대리 매니저 책임 수석 선임 연구원 수석연구원 "
    "책임연구원 선임연구원 연구위원 선임연구위원 애널리스트 이코노미스트 전략가 위원 위원장 부위원장 "
    "이사장 총장 교수 부교수 조교수 명예교수 변호사 회계사 변리사 장관 차관 청장 의원 대변인 최고경영자 "
    "창업자 공동창업자 총괄 고문 파트너 리더 대표변호사 지점장 점장 도지사 지사 군수 구청장 대통령 "
    "총리 부총리 비서관 사무총장 사무국장 협회장 조합장 회장직무대행 대표직무대행 감독 박사 전문위원 "
    "상근부회장 디렉터 엔지니어 법인장 지부장 지회장 학장 처장 공장장 사무관 주무관 과장 상임의장 "
    "공동의장 석좌교수 명예교수 책임자 최고운영책임자 최고재무책임자 최고기술책임자 최고경영책임자 "
    "원내대표 당대표 행장 부행장 은행장 수석부회장 총재 부총재 상무보 부사장보 사업부문장 수석부사장 CEO "
    "CTO CFO COO CMO CIO CSO CISO CDO CPO CRO VP")
HONORIFIC = "씨"
_PARTICLES = frozenset(
    _words(
    "은 는 이 가 의 을 를 도 과 와 께서 께서는 께 에게 에게서 이자 이며 이었던 이던 인 으로 로 으로서 "
    "로서 에 에서 만 까지 이라고 라고 이라며 라며 처럼 보다 부터 이었다 였다 이다 들 들은 들이 등 등은 "
    "등이 조차 마저 에겐 한테"))
SUBJECT = frozenset(["은", "는", "이", "가", "도", "께서", "께서는", "들은", "들이", "등은", "등이"])
_TRIM = "“”\"'‘’「」『』[]()<>《》〈〉,.·…!?:;~-"
_WORD = re.compile(r"\S+")
_HANGUL = re.compile(r"[가-힣]+")
_AGE = re.compile(r"^([가-힣]{2,4})\(\d{1,3}(?:세|·[^)]{0,12})?\)$")
# Roles too common as the end of other words (`공사장`, `증권시장`) to be split off a glued word.
_NO_SUFFIX = frozenset(_words("사장 시장 이사 감사 대리 리더 수석 책임 선임 위원 고문 파트너 총괄"))
_BOUNDARY = ",.!?:;”\"’」』)"
_LATIN_NAME = re.compile(r"^[A-Z][a-z'\-]+$")
# Words that sit between a name and its role without being the organisation ("전 KT 사장").
_MODIFIERS = frozenset(_words("전 前 현 現 신임 초대 당시 현직 전직 공동 각자 직무대행 수석 겸 및"))
# Affiliation endings: a word with one of them is an organisation, whatever its first syllable.
_ORG_ENDINGS = _words(
    "대 대학 대학교 대학원 硏 연구원 연구소 은행 증권 전자 그룹 협회 재단 센터 공사 공단 병원 학회 보험 "
    "생명 화재 카드 캐피탈 운용 텔레콤 통신 건설 중공업 자동차 차 화학 제약 바이오 홀딩스 본부 부문 "
    "사업부 위원회")
_NOT_NAMES = frozenset(
    _words(
    "신임 전임 후임 당시 이번 지난해 올해 내년 최근 현재 이날 전문 공동 각자 정부 한국 국내 해외 고객 "
    "업계 시장 회사 기업 전체 일부 대부분 모든 각사 당사 자사 본사 지사 주주 대주주 이사회 임원 직원 "
    "관계자 측 대표 사장 회장 주요 신규 기존 사내 사외 상근 비상근 수석 책임 선임 부문 본부 주식 정보 "
    "기술 사업 이상 이하 이후 이전 오전 오후 전날 당일 동안 가운데 관련 대해 통해 위해 따라 대한 중국 "
    "미국 일본 유럽 강조 설명 공개 발표 지난 지금 이어 또한 특히 다만 그는 그녀 그가 이들 조선 동아 중앙 "
    "한겨레 경향 서울 부산 대구 인천 광주 대전 울산 세종 경기 강원 충북 충남 전북 전남 경북 경남 제주 "
    "성장 경영 마케팅 영업 개발 연구 기획 재무 인사 홍보 전략 글로벌 디지털 모바일 금융 보험 투자 은행 "
    "증권 전자 반도체 통신"))


@dataclass(frozen=True)
class Mention:
    """A person named in a text: where, who, as what, and whether the role word marks the subject."""

    start: int
    end: int
    name: str
    role: str | None
    org: str | None
    subject: bool
    before: str | None = None  # the word before the name, often the affiliation (`kt전북본부 오만수 본부장`)


def words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)  # news repeats its words; cleared when roles are added
def split_particle(word: str) -> tuple[str, str] | None:
    """`부사장은` → (`부사장`, `은`) for a known role; None when the tail is not a particle."""
    bare = word.rstrip(_TRIM)
    for role in _roles_by_length().get(bare[:1], ()):
        if bare.startswith(role):
            tail = bare[len(role):]
            if tail == "" or tail in _PARTICLES:
                return role, tail
    return None


@lru_cache(maxsize=65536)
def split_glued_role(word: str) -> tuple[str, str, str] | None:
    """`금융위원장은` → (`금융위`, `위원장`, `은`): an affiliation glued to a role it ends with."""
    bare = word.rstrip(_TRIM)
    for k in range(2, min(len(bare), 12)):
        pair = split_particle(bare[k:])
        if (pair and pair[0] not in _NO_SUFFIX and _HANGUL.fullmatch(bare[k:])) or (
                pair and pair[0].isascii() and pair[0] not in _NO_SUFFIX):
            return bare[:k], pair[0], pair[1]
    return None


@lru_cache(maxsize=1)
def _roles_by_length() -> dict[str, tuple[str, ...]]:
    """Roles by first character, longest first (a word is checked against a handful, not all)."""
    index: dict[str, list[str]] = {}
    for role in sorted(set(ROLES), key=len, reverse=True):
        index.setdefault(role[0], []).append(role)
    return {k: tuple(v) for k, v in index.items()}


def add_roles(extra: Iterable[str]) -> None:
    """Taxonomy roles join the built-in ones (process-wide; roles only ever add)."""
    global ROLES
    new = [r for r in extra if r and r not in ROLES]
    if new:
        ROLES = (*ROLES, *new)
        _roles_by_length.cache_clear()
        split_particle.cache_clear()
        split_glued_role.cache_clear()


@lru_cache(maxsize=20000)
def _kiwi_common_word(word: str) -> bool:
    """True when kiwi reads the word as a common word (`신임`, `이사회`) or one plus a particle (`정부는`)."""
    from briefings.analysis.korean import _tokens

    tokens = _tokens(word)
    if not tokens:
        return True
    if any(tok.tag.startswith(("J", "E", "XS", "V")) and tok.tag != "JKV" for tok in tokens):
        return True
    # one known common word (`신임`, `이사회`); a split such as 한+성숙 is how kiwi reads many names
    return len(tokens) == 1 and not tokens[0].tag.startswith("NNP") and not tokens[0].oov


def is_org_like(word: str) -> bool:
    return len(word) >= 2 and word.endswith(_ORG_ENDINGS)


def name_like(word: str, short_ok: bool = False) -> bool:
    """A plausible Korean personal name: 3–4 syllables (2 with short_ok), a surname first, not a common word."""
    if not ((2 if short_ok else 3) <= len(word) <= 4) or not _HANGUL.fullmatch(word) or word in _NOT_NAMES:
        return False
    compound = word[:2] in COMPOUND_SURNAMES
    if (len(word) == 4 and not compound) or (not compound and word[0] not in SURNAMES):
        return False  # four syllables: only with a two-syllable surname (`남궁민수`), not `유한양행`
    return compound or not _kiwi_common_word(word)


_ANNOTATION = re.compile(r"[<〈(\[][^<>〈〉()\[\]]{0,12}[>〉)\]]")


def _clean(word: str) -> str:
    """The word without quotes, brackets and inline notes (`구자용<사진>`, `홍길동(45)`)."""
    if len(word) > 2 and word[-1] in ">〉)]" and word[0] not in "<〈([":
        word = _ANNOTATION.sub("", word)
    return word.strip(_TRIM)


def _name_before(ws: list[tuple[int, int, str]], i: int) -> tuple[int, str, str | None] | None:
    """Look back from the role word at i for `NAME [ORG…] [전] ROLE`: (word index, name, org)."""
    orgs: list[str] = []
    for j in range(i - 1, max(-1, i - 5), -1):
        raw = ws[j][2]
        if raw[-1] in _BOUNDARY:
            return None  # a clause, list or quote boundary: what comes before belongs to something else
        word = _clean(raw)
        if not word or word in _MODIFIERS:
            continue
        latin = _latin_name_before(ws, j)
        if latin:
            return j, latin, " ".join(reversed(orgs)) or None
        if name_like(word):
            if is_org_like(word) and j > 0 and name_like(_clean(ws[j - 1][2])):
                orgs.append(word)  # `정옥현 서강대 교수`: 서강대 is the affiliation
                continue
            return j, word, " ".join(reversed(orgs)) or None
        if split_particle(raw) is not None or (len(word) > 2 and word[-1] in "은는을를의에"):
            return None  # a particle ends the noun phrase: no name in it
        orgs.append(word)
    return None


def _latin_name_before(ws: list[tuple[int, int, str]], j: int) -> str | None:
    """`Tim Cook` (two or three capitalised Latin words ending at word j)."""
    k = j
    while k >= 0 and j - k < 2 and _LATIN_NAME.match(_clean(ws[k][2]) or "-"):
        k -= 1
    if j - k < 2 or (k >= 0 and _LATIN_NAME.match(_clean(ws[k][2]) or "-")):
        return None  # a longer capitalised run: the name is further left, this is an organisation
    return f"{_clean(ws[k + 1][2])} {_clean(ws[j][2])}"


def _mention(ws: list[tuple[int, int, str]], j: int, end: int, name: str, role: str, org: str | None,
             tail: str) -> Mention:
    lead = len(ws[j][2]) - len(ws[j][2].lstrip(_TRIM))
    before = ws[j - 1][2] if j > 0 and ws[j - 1][2][-1] not in _BOUNDARY else None
    return Mention(ws[j][0] + lead, end, name, role, org, tail in SUBJECT, before and _clean(before))


def _after_paren(ws: list[tuple[int, int, str]], i: int) -> str:
    """The particle after the `)` that closes a note opened in word i (looked for within three words)."""
    for k in range(i, min(len(ws), i + 4)):
        raw = ws[k][2]
        if ")" in raw:
            return raw.rsplit(")", 1)[1].rstrip(_TRIM)
    return ""


def find_mentions(text: str, ws: list[tuple[int, int, str]] | None = None,
                  is_org: Callable[[str], bool] | None = None) -> list[Mention]:
    """Every `NAME … ROLE`, `ROLE NAME`, `NAME(45) 씨` and `NAME 씨` in the text, in order."""
    ws = words(text) if ws is None else ws
    found: list[Mention] = []
    for i, (_, end, raw) in enumerate(ws):
        word, paren_tail = raw, None
        if "(" in raw[1:] and raw[0] not in "(“\"'‘「":
            word, paren_tail = raw[:raw.index("(")], _after_paren(ws, i)  # `학생처장(교육학과 교수)은`
        pair = split_particle(word) if word[0] not in "(“\"'‘「" else None
        glued = None if pair is not None or word[0] in "(“\"'‘「" else split_glued_role(word)
        if pair is not None or glued is not None:
            hit = _name_before(ws, i)
            if hit:
                role, tail = pair if pair else glued[1:]
                tail = tail if paren_tail is None else paren_tail
                second = split_particle(ws[i + 1][2]) if i + 1 < len(ws) and tail == "" else None
                if second is not None:  # `대표이사 부회장이`: two titles, the particle after the second
                    role, tail, end = f"{role} {second[0]}", second[1], ws[i + 1][1]
                org = " ".join(filter(None, (hit[2], glued[0] if glued else None))) or None
                if not (is_org and is_org(hit[1])):
                    found.append(_mention(ws, hit[0], end, hit[1], role, org, tail))
                continue
        bare = raw.rstrip(_TRIM)
        if bare.startswith(HONORIFIC) and (bare == HONORIFIC or bare[1:] in _PARTICLES) and i > 0:
            prev = ws[i - 1][2].lstrip(_TRIM)
            age = _AGE.match(prev)
            name = age.group(1) if age else _clean(prev)
            if name_like(name, short_ok=True):
                found.append(_mention(ws, i - 1, end, name, HONORIFIC, None, bare[1:]))
            continue
        # `(대표 황현식)`, `대표 홍길동은`: the role first, a bare role word, the name right after it.
        lead = raw.rsplit("(", 1)[-1]
        if i + 1 < len(ws) and split_particle(lead) == (lead.rstrip(_TRIM), "") and lead == lead.rstrip(_TRIM):
            nxt = ws[i + 1][2].split(")")[0].rstrip(_TRIM)
            name, tail = nxt, ""
            after = ws[i + 1][2].rstrip(_TRIM)
            if not name_like(name) and len(nxt) >= 4 and nxt[-1] in "은는이가" and name_like(nxt[:-1]):
                name, tail = nxt[:-1], nxt[-1]
            elif ")" in after:
                tail = ""  # `KT(대표 구현모)는`: the particle belongs to the company
            before_ok = "(" in raw or i == 0 or ws[i - 1][2][-1] in _BOUNDARY or not name_like(
                _clean(ws[i - 1][2]))
            role_next = i + 2 < len(ws) and split_particle(ws[i + 2][2]) is not None
            if before_ok and name_like(name) and not (is_org and is_org(name)) and not role_next:
                found.append(_mention(ws, i + 1, ws[i + 1][1], name, lead, None, tail))
    return found
