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
from briefings.command_specs import BY_NAME
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


def describe(name: str) -> dict[str, str]:
    """Option descriptions from the one definition of the command (Discord allows 100 characters)."""
    return {p.name: p.help[:100] for p in BY_NAME[name].params}


def briefing_group(answerer: Answerer, taxonomy: Taxonomy, channel_names: list[str]) -> app_commands.Group:
    company_choices, theme_choices, channel_choices = completers(taxonomy, channel_names)
    group = app_commands.Group(name="briefing", description="회사 뉴스 브리핑 / company news briefings")

    @group.command(name="brief", description=BY_NAME["brief"].summary)
    @app_commands.describe(**describe("brief"))
    @app_commands.autocomplete(company=company_choices, theme=theme_choices)
    async def brief(interaction: discord.Interaction, company: str, theme: str | None = None) -> None:
        await answerer.answer(interaction, "brief", [company], {"theme": theme})

    @group.command(name="news", description=BY_NAME["news"].summary)
    @app_commands.describe(**describe("news"))
    @app_commands.autocomplete(company=company_choices, theme=theme_choices)
    async def news(interaction: discord.Interaction, query: str, company: str | None = None,
                   theme: str | None = None, since: str | None = None,
                   page: app_commands.Range[int, 1, 200] | None = None) -> None:
        await answerer.answer(interaction, "news", [query],
                              {"company": company, "theme": theme, "since": since, "page": page})

    @group.command(name="theme", description=BY_NAME["theme"].summary)
    @app_commands.describe(**describe("theme"))
    @app_commands.autocomplete(theme=theme_choices, company=company_choices)
    async def theme(interaction: discord.Interaction, theme: str, company: str | None = None) -> None:
        await answerer.answer(interaction, "theme", [], {"theme": theme, "company": company})

    @group.command(name="grid", description=BY_NAME["grid"].summary)
    @app_commands.describe(**describe("grid"))
    async def grid(interaction: discord.Interaction, period: str | None = None) -> None:
        await answerer.answer(interaction, "grid", [], {"period": period})

    @group.command(name="quotes", description=BY_NAME["quotes"].summary)
    @app_commands.describe(**describe("quotes"))
    async def quotes(interaction: discord.Interaction, who: str) -> None:
        await answerer.answer(interaction, "quotes", [], {"who": who})

    @group.command(name="why", description=BY_NAME["why"].summary)
    @app_commands.describe(**describe("why"))
    async def why(interaction: discord.Interaction, article: str) -> None:
        await answerer.answer(interaction, "why", [article], {})

    @group.command(name="digest", description=BY_NAME["digest"].summary)
    @app_commands.describe(**describe("digest"))
    @app_commands.autocomplete(channel=channel_choices)
    async def digest(interaction: discord.Interaction, channel: str | None = None) -> None:
        await answerer.answer(interaction, "digest", [channel] if channel else [], {})

    @group.command(name="trend", description=BY_NAME["trend"].summary)
    @app_commands.describe(**describe("trend"))
    async def trend(interaction: discord.Interaction, names: str, period: str | None = None) -> None:
        await answerer.answer(interaction, "trend", [names], {"period": period})

    @group.command(name="export", description=BY_NAME["export"].summary)
    @app_commands.describe(**describe("export"))
    @app_commands.autocomplete(company=company_choices, theme=theme_choices)
    @app_commands.choices(format=[app_commands.Choice(name=f, value=f) for f in ("csv", "jsonl", "md")])
    async def export(interaction: discord.Interaction, format: str | None = None, company: str | None = None,
                     theme: str | None = None, since: str | None = None) -> None:
        await answerer.answer(interaction, "export", [], {"format": format, "company": company, "theme": theme,
                                                          "since": since})

    @group.command(name="sources", description=BY_NAME["sources"].summary)
    async def sources(interaction: discord.Interaction) -> None:
        await answerer.answer(interaction, "sources", [], {})

    @group.command(name="post", description=BY_NAME["post"].summary)
    @app_commands.describe(**describe("post"))
    @app_commands.autocomplete(channel=channel_choices)
    async def post(interaction: discord.Interaction, channel: str) -> None:
        await answerer.answer(interaction, "post", [channel], {})

    @group.command(name="help", description=BY_NAME["help"].summary)
    async def help_(interaction: discord.Interaction) -> None:
        await answerer.answer(interaction, "help", [], {})

    return group
