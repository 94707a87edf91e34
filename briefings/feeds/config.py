"""config/sources.yaml: the feeds and pages to follow. Validated whole, every problem with its line."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefings.errors import ConfigError, ConfigProblem
from briefings.yamlconf import problems_from_validation, read_yaml

MIN_INTERVAL_MINUTES = 5  # anything faster is impolite to a news site and pointless for a digest


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value.strip()


class SourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    feed: str | None = None  # RSS 2.0, RSS 1.0/RDF or Atom
    page: str | None = None  # one article page
    folder: str | None = None  # a folder watched for new or changed article files
    interval: int = Field(default=30, ge=MIN_INTERVAL_MINUTES, le=7 * 24 * 60)  # minutes (folders: a re-scan)
    outlet: str | None = None  # stated outlet name, when the feed's own pages do not say it
    fetch_pages: bool = False  # fetch an item's linked page when the feed gives only a summary
    notify: list[str] = []  # channels (names in channels.yaml) told when this source keeps failing

    _urls = field_validator("feed", "page")(_check_url)

    @model_validator(mode="after")
    def _one_target(self) -> SourceSpec:
        if sum(x is not None for x in (self.feed, self.page, self.folder)) != 1:
            raise ValueError("give exactly one of 'feed: URL', 'page: URL' or 'folder: PATH'")
        if self.folder is not None and not self.folder.strip():
            raise ValueError("folder: give a path")
        return self

    @property
    def kind(self) -> str:
        return "feed" if self.feed else "page" if self.page else "folder"

    @property
    def url(self) -> str:
        return self.feed or self.page or self.folder or ""


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[SourceSpec] = []


def load_sources(path: Path) -> list[SourceSpec]:
    """Every problem of the file at once (schema and duplicate names), each with its line."""
    doc = read_yaml(path)
    data = doc.data if doc.data is not None else {}
    try:
        parsed = SourcesFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(doc, exc)) from None
    problems, seen = [], set()
    for i, source in enumerate(parsed.sources):
        if source.name in seen:
            loc = ("sources", i, "name")
            problems.append(ConfigProblem(str(path), doc.line_of(loc), f"sources.{i}.name",
                                          f"duplicate source name {source.name!r}"))
        seen.add(source.name)
    if problems:
        raise ConfigError(problems)
    return parsed.sources
