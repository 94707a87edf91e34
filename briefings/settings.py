"""Process settings: where the config folder and the archive are. Secrets are never read here."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from briefings.store.location import has_password, is_postgres_url
from briefings.yamlconf import load_model

CONFIG_DIR_ENV = "BRIEFINGS_CONFIG_DIR"
DB_ENV = "BRIEFINGS_DB"
DATABASE_URL_ENV = "BRIEFINGS_DATABASE_URL"  # a PostgreSQL URL with its password: only ever from the environment


class ArchiveSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = "var/archive.sqlite3"  # a SQLite file, or postgresql://user@host/db (no password here)

    @field_validator("path")
    @classmethod
    def _no_password(cls, value: str) -> str:
        if is_postgres_url(value) and has_password(value):
            raise ValueError(f"a database password must not be written in a config file: remove it and set "
                             f"${DATABASE_URL_ENV} (the whole URL) or PGPASSWORD in the environment instead")
        return value


class IngestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_file_bytes: int = Field(default=5_000_000, gt=0)
    seeds: str = "seeds"


class ChatSettings(BaseModel):
    """How `briefings run` answers chat commands."""

    model_config = ConfigDict(extra="forbid")
    readers: int = Field(default=3, ge=0, le=32)  # archive connections answering commands side by side
    slow_notice_seconds: float = Field(default=2.5, gt=0)  # "taking longer than usual"; under the platforms' 3 s
    give_up_seconds: float = Field(default=60.0, gt=0)  # then the caller is told the command failed

    @model_validator(mode="after")
    def _notice_before_giving_up(self) -> ChatSettings:
        if self.give_up_seconds <= self.slow_notice_seconds:
            raise ValueError("give_up_seconds must be longer than slow_notice_seconds")
        return self


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    archive: ArchiveSettings = ArchiveSettings()
    ingest: IngestSettings = IngestSettings()
    chat: ChatSettings = ChatSettings()


def config_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config folder: an explicit one, else $BRIEFINGS_CONFIG_DIR, else ./config."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(CONFIG_DIR_ENV, "config"))


def load_settings(cfg_dir: Path) -> Settings:
    path = cfg_dir / "briefings.yaml"
    settings = load_model(path, Settings) if path.exists() else Settings()
    for env in (DB_ENV, DATABASE_URL_ENV):  # the URL wins: it is where a password may be
        if os.environ.get(env):
            settings.archive.path = os.environ[env]
    return settings
