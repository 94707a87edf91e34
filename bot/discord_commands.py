"""The `/briefing` slash-command group for Discord: typed options, descriptions, autocomplete.

Each sub-command only names its options and hands them to `Answerer.answer(name, positional, named)`;
what the command means lives in `briefings.commands`, the same for every platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import discord
from discord import app_commands

from briefings.analysis.taxonomy import Taxonomy
from briefings.lookup import Entry, NameIndex, company_index, theme_index

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices


class Answerer(Protocol):
    async def answer(self, interaction: discord.Interaction, name: str, positional: list[str],
                     named: dict[str, object]) -> None: ...


Complete = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def _choices(entries: list[Entry]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=e.label[:100], value=e.value) for e in entries[:MAX_CHOICES]]


def completers(taxonomy: Taxonomy, channel_names: list[str]) -> tuple[Complete, Complete, Complete]:
    """Autocomplete from the same name index the commands resolve with: what is suggested is accepted."""
    channels = NameIndex()
    for name in channel_names:
        channels.add(name, name, [])

    async def company(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _choices(company_index(taxonomy).complete(current, MAX_CHOICES))

    async def theme(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _choices(theme_index(taxonomy).complete(current, MAX_CHOICES))

    async def channel(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _choices(channels.complete(current, MAX_CHOICES))

    return company, theme, channel


def briefing_group(answerer: Answerer, taxonomy: Taxonomy, channel_names: list[str]) -> app_commands.Group:
    company_choices, theme_choices, channel_choices = completers(taxonomy, channel_names)
    group = app_commands.Group(name="briefing", description="회사 뉴스 브리핑 / company news briefings")

    @group.command(name="brief", description="회사의 최신 브리핑 / latest briefing for a company")
    @app_commands.describe(company="회사 / company (KT, SKT, LGU+)", theme="테마 / theme (optional)")
    @app_commands.autocomplete(company=company_choices, theme=theme_choices)
    async def brief(interaction: discord.Interaction, company: str, theme: str | None = None) -> None:
        await answerer.answer(interaction, "brief", [company], {"theme": theme})

    @group.command(name="news", description="아카이브 검색, 최신순 / search the archive, newest first")
    @app_commands.describe(query="검색어 / words to find", company="회사 / company", theme="테마 / theme",
                           since="기간 / since: 7d, 30d, 2026-01, 2026-01-15", page="쪽 / page")
    @app_commands.autocomplete(company=company_choices, theme=theme_choices)
    async def news(interaction: discord.Interaction, query: str, company: str | None = None,
                   theme: str | None = None, since: str | None = None,
                   page: app_commands.Range[int, 1, 200] | None = None) -> None:
        await answerer.answer(interaction, "news", [query],
                              {"company": company, "theme": theme, "since": since, "page": page})

    @group.command(name="theme", description="테마별 기업 비교 / a theme across companies")
    @app_commands.describe(theme="테마 / theme", company="회사 / company (optional)")
    @app_commands.autocomplete(theme=theme_choices, company=company_choices)
    async def theme(interaction: discord.Interaction, theme: str, company: str | None = None) -> None:
        await answerer.answer(interaction, "theme", [], {"theme": theme, "company": company})

    @group.command(name="grid", description="기업 × 테마 현황과 증감 / company × theme grid with change")
    @app_commands.describe(period="기간 / period: 7d, 30d, all")
    async def grid(interaction: discord.Interaction, period: str | None = None) -> None:
        await answerer.answer(interaction, "grid", [], {"period": period})

    @group.command(name="quotes", description="누가 무엇을 말했나 / who said what")
    @app_commands.describe(who="회사나 사람 / a company or a person (e.g. 박정호)")
    async def quotes(interaction: discord.Interaction, who: str) -> None:
        await answerer.answer(interaction, "quotes", [], {"who": who})

    @group.command(name="why", description="태그와 다이제스트 규칙의 근거 / why an article is tagged so")
    @app_commands.describe(article="기사 ID (앞 4자 이상) / article id (4+ characters)")
    async def why(interaction: discord.Interaction, article: str) -> None:
        await answerer.answer(interaction, "why", [article], {})

    @group.command(name="digest", description="채널 다이제스트 미리보기 / preview a channel's digest")
    @app_commands.describe(channel="channels.yaml 의 채널 이름 / a channel name from channels.yaml")
    @app_commands.autocomplete(channel=channel_choices)
    async def digest(interaction: discord.Interaction, channel: str | None = None) -> None:
        await answerer.answer(interaction, "digest", [channel] if channel else [], {})

    @group.command(name="help", description="명령 안내 / commands with examples")
    async def help_(interaction: discord.Interaction) -> None:
        await answerer.answer(interaction, "help", [], {})

    return group
