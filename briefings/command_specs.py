"""Every chat command, defined once: its name, typed parameters, descriptions, example and visibility.

The text parser's usage lines, `help`, the Discord command tree's descriptions and the public/private
rule come from here; tests check the Discord tree, the Slack manifest's usage hint and the README
against it, so a command cannot drift between platforms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from briefings.periods import EXAMPLES

Kind = Literal["company", "theme", "period", "query", "who", "article", "channel", "page", "format"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    help: str  # "ko / en", shown by Discord and in help
    required: bool = False

    @property
    def usage(self) -> str:
        word = self.name.upper()
        return word if self.required else f"[{self.name}]"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str  # "ko / en"
    example: str
    params: tuple[Param, ...] = ()
    public: bool = False  # answered to the whole channel; otherwise (and on any error) to the caller only
    admin: bool = False  # changes state or posts on demand: only for the admins named in channels.yaml

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(p.usage for p in self.params)])

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


_COMPANY = "회사 / company (KT, SKT, LGU+, 케이티…)"
_THEME = "테마 / theme (esg, 고객 중심…)"
_PERIOD = f"기간 / period: {EXAMPLES}, all"

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("brief", "회사의 최신 브리핑 / latest briefing for a company", "brief KT · brief SKT ai_dx",
                (Param("company", "company", _COMPANY, required=True), Param("theme", "theme", _THEME)), public=True),
    CommandSpec("news", "아카이브 검색 (최신순) / search the archive, newest first",
                'news 고객 KT · news "5G 요금제" since=30d',
                (Param("query", "query", "검색어 / words to find", required=True),
                 Param("company", "company", _COMPANY), Param("theme", "theme", _THEME),
                 Param("since", "period", f"시작 / since: {EXAMPLES}, 2026-01, 2026-01-15"),
                 Param("page", "page", "쪽 / page"))),
    CommandSpec("theme", "테마별 기업 비교 / a theme across companies", "theme esg · theme 고객 중심 LGU+",
                (Param("theme", "theme", _THEME, required=True), Param("company", "company", _COMPANY)), public=True),
    CommandSpec("grid", "기업 × 테마 현황과 증감 / company × theme grid with change", "grid · grid 30d · grid 2w",
                (Param("period", "period", _PERIOD),), public=True),
    CommandSpec("quotes", "누가 무엇을 말했나 / who said what", "quotes KT · quotes 박정호",
                (Param("who", "who", "회사나 사람 / a company or a person (e.g. 박정호)", required=True),)),
    CommandSpec("why", "태그와 다이제스트 규칙의 근거 / why an article is tagged so", "why b2731e1b",
                (Param("article", "article", "기사 ID (앞 4자 이상) / article id (4+ characters)", required=True),)),
    CommandSpec("digest", "채널 다이제스트 미리보기 / preview a channel's digest", "digest · digest daily-kr",
                (Param("channel", "channel", "channels.yaml 의 채널 이름 / a channel name from channels.yaml"),)),
    CommandSpec("trend", "기사 수 추이 차트 / a chart of article counts over time", "trend KT SKT 90d · trend esg 1y",
                (Param("names", "query", "회사·테마 (최대 6개) / companies or themes (up to six)", required=True),
                 Param("period", "period", _PERIOD)), public=True),
    CommandSpec("export", "기사 내보내기 (파일) / articles as a file: csv, jsonl or md", "export csv KT since=30d",
                (Param("format", "format", "형식 / format: csv (default), jsonl, md"),
                 Param("company", "company", _COMPANY), Param("theme", "theme", _THEME),
                 Param("since", "period", f"시작 / since: {EXAMPLES}, 2026-01")), public=True),
    CommandSpec("sources", "뉴스 소스 상태 / the status of each news source (sources.yaml)", "sources"),
    CommandSpec("post", "채널 다이제스트 지금 발송 (관리자) / post a channel's digest now (admins)", "post daily-kr",
                (Param("channel", "channel", "channels.yaml 의 채널 이름 / a channel name from channels.yaml",
                       required=True),), admin=True),
    CommandSpec("help", "명령 안내 / commands with examples", "help"),
)
BY_NAME = {spec.name: spec for spec in SPECS}
PUBLIC_COMMANDS = frozenset(spec.name for spec in SPECS if spec.public)
