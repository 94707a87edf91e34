"""config/channels.yaml: where digests go and when. Validated whole, every problem reported at once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.scheduler import WallClockCronTrigger, channel_trigger
from briefings.alerts import AlertSpec
from briefings.analysis.taxonomy import Taxonomy
from briefings.digest.spec import DigestSpec
from briefings.errors import ConfigError, ConfigProblem
from briefings.templating import TemplateSet
from briefings.yamlconf import problems_from_validation, read_yaml

DEFAULT_TIMEZONE = "Asia/Seoul"


class ChannelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    platform: Literal["slack", "discord", "console"]
    workspace: str | None = None  # Slack team id (informational; one bot token per workspace)
    guild: str | None = None  # Discord guild id
    channel: str = Field(min_length=1)  # Slack channel id, Discord channel id, or a console label
    schedule: str  # five-field cron: minute hour day month weekday
    timezone: str = DEFAULT_TIMEZONE
    digest: DigestSpec = DigestSpec()
    templates: str | None = None  # folder, relative to the config folder
    thread: bool = False  # follow-up messages of a long digest go in the first one's thread
    alerts: AlertSpec | None = None  # coverage spikes of these companies, posted when they happen
    chart: Literal["grid"] | None = None  # attach the company × theme grid as an image (group: grid)

    @model_validator(mode="after")
    def _chart_needs_a_grid(self) -> ChannelSpec:
        if self.chart == "grid" and self.digest.group != "grid":
            raise ValueError("chart: grid needs digest group: grid")
        return self

    def trigger(self) -> WallClockCronTrigger:
        return channel_trigger(self.schedule, self.timezone)

    @property
    def destination(self) -> tuple[str, str | None, str]:
        return (self.platform, self.workspace or self.guild, self.channel)


class Admins(BaseModel):
    """Who may run admin commands (`post`): Slack user ids; Discord user or role ids.
    On Discord, members with the Manage Server permission are admins too."""

    model_config = ConfigDict(extra="forbid")
    slack: list[str] = []
    discord: list[str] = []


class ChannelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    admins: Admins = Admins()
    misfire_grace_seconds: int = Field(default=900, ge=1, le=86400)
    delivery_retry_minutes: float = Field(default=30, ge=0, le=1440)  # how long a failing post is retried
    channels: list[dict] = []


class ChannelConfig:
    def __init__(self, channels: list[ChannelSpec], misfire_grace_seconds: int, folder: Path,
                 retry_seconds: float = 1800.0, admins: Admins | None = None):
        self.admins = admins or Admins()
        self.channels = channels
        self.misfire_grace_seconds = misfire_grace_seconds
        self.folder = folder
        self.retry_seconds = retry_seconds

    def allowed(self, platform: str) -> frozenset[str]:
        """Slack workspaces or Discord servers named in channels.yaml; empty means any may ask."""
        return frozenset(filter(None, (c.workspace if platform == "slack" else c.guild
                                       for c in self.channels if c.platform == platform)))

    def templates_for(self, channel: ChannelSpec) -> TemplateSet:
        return TemplateSet(self.folder / channel.templates) if channel.templates else TemplateSet()

    def by_name(self) -> dict[str, ChannelSpec]:
        return {c.name: c for c in self.channels}


def _schedule_problems(raw: dict, where) -> list[ConfigProblem]:
    """The timezone and cron line of one entry, checked even when the rest of the entry is broken."""
    timezone, schedule = raw.get("timezone", DEFAULT_TIMEZONE), raw.get("schedule")
    if not isinstance(timezone, str):
        return []  # the schema check already says what type it needs
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [where(("timezone",), f"unknown timezone {timezone!r}")]
    if not isinstance(schedule, str):
        return []
    try:
        trigger = channel_trigger(schedule, timezone)
    except ValueError as exc:
        return [where(("schedule",), f"bad cron line {schedule!r}: {exc}")]
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:  # "0 0 30 2 *" parses but never fires
        return [where(("schedule",), f"cron line {schedule!r} never fires (no such date)")]
    return []


def _semantic_problems(spec: ChannelSpec, taxonomy: Taxonomy, folder: Path, where) -> list[ConfigProblem]:
    problems = []
    if spec.platform == "discord" and not spec.channel.isdigit():
        problems.append(where(("channel",), f"a Discord channel is its numeric id, not {spec.channel!r} "
                                            "(Developer Mode → right-click the channel → Copy Channel ID)"))
    problems += _schedule_problems(spec.model_dump(), where)
    for n, company in enumerate(spec.digest.companies):
        if taxonomy.resolve_company(company) is None:
            problems.append(where(("digest", "companies", n), f"unknown company {company!r}"))
    for n, theme in enumerate(spec.digest.themes):
        if taxonomy.resolve_theme(theme) is None:
            problems.append(where(("digest", "themes", n), f"unknown theme {theme!r}"))
    if spec.templates:
        path = folder / spec.templates
        if not path.is_dir():
            problems.append(where(("templates",), f"template folder not found: {path}"))
        else:
            try:
                problems.extend(TemplateSet(path).trial_render())
            except ConfigError as exc:
                problems.extend(exc.problems)
    return problems


def load_channels(path: Path, taxonomy: Taxonomy) -> ChannelConfig:
    """Read and check channels.yaml; raise ConfigError listing every problem found."""
    doc = read_yaml(path)
    data = doc.data or {}
    problems: list[ConfigProblem] = []
    try:
        top = ChannelsFile.model_validate(data)
    except ValidationError as exc:  # reported, and the entries are still checked one by one
        problems += problems_from_validation(doc, exc)
        entries = data.get("channels") if isinstance(data, dict) else None
        top = ChannelsFile(channels=[e if isinstance(e, dict) else {} for e in entries]
                           if isinstance(entries, list) else [])
    valid: list[ChannelSpec] = []
    seen_names: dict[str, int] = {}
    seen_destinations: dict[tuple, int] = {}
    for index, raw in enumerate(top.channels):
        label = str(raw.get("name", f"#{index + 1}")) if isinstance(raw, dict) else f"#{index + 1}"

        def where(loc: tuple, message: str, index: int = index, label: str = label) -> ConfigProblem:
            return ConfigProblem(str(path), doc.line_of(("channels", index, *loc)), label, message)

        try:
            spec = ChannelSpec.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                problems.append(where(loc, f"{'.'.join(map(str, loc))}: {err['msg']}"))
            problems += _schedule_problems(raw, where)  # a missing name must not hide a bad cron line
            continue
        problems += _semantic_problems(spec, taxonomy, path.parent, where)
        if spec.name in seen_names:
            problems.append(where(("name",), f"duplicate channel name (also entry {seen_names[spec.name] + 1})"))
        if spec.destination in seen_destinations:
            problems.append(where(("channel",), f"duplicate channel: {spec.platform} {spec.channel} is also entry "
                                                f"{seen_destinations[spec.destination] + 1}"))
        seen_names.setdefault(spec.name, index)
        seen_destinations.setdefault(spec.destination, index)
        valid.append(spec)
    if problems:
        raise ConfigError(problems)
    return ChannelConfig(valid, top.misfire_grace_seconds, path.parent, top.delivery_retry_minutes * 60,
                         top.admins)
