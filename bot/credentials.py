"""Secrets and endpoints from the environment only. Never read from YAML, never logged."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

SLACK_API_DEFAULT = "https://slack.com/api/"


@dataclass(frozen=True)
class Credentials:
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    slack_port: int = 3000
    slack_host: str = "0.0.0.0"  # HTTP mode listens here; Slack (or a proxy) must reach it
    discord_token: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Credentials:
        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        port = get("SLACK_PORT") or str(cls.slack_port)
        if not port.isdigit() or int(port) > 65535:
            raise ValueError(f"SLACK_PORT must be a port number (0-65535), not {port[:20]!r}")
        return cls(
            slack_bot_token=get("SLACK_BOT_TOKEN"), slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_api_url=get("SLACK_API_URL") or cls.slack_api_url, slack_port=int(port),
            slack_host=get("SLACK_HOST") or cls.slack_host,
            discord_token=get("DISCORD_TOKEN"), discord_api_url=get("DISCORD_API_URL"),
            discord_gateway_url=get("DISCORD_GATEWAY_URL"))

    @property
    def slack(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def discord(self) -> bool:
        return bool(self.discord_token)

    def incomplete(self) -> list[str]:
        """Half-set credentials: worth a warning, since the platform will not start."""
        if self.slack_bot_token and not self.slack:
            return ["SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET "
                    "(HTTP mode): Slack is not started"]
        if (self.slack_app_token or self.slack_signing_secret) and not self.slack_bot_token:
            return ["SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN: Slack is not started"]
        return []

    def __repr__(self) -> str:  # secrets never reach a log line
        shown = {f.name: ("***" if "token" in f.name or "secret" in f.name else getattr(self, f.name))
                 for f in fields(self)}
        return f"Credentials({', '.join(f'{k}={v!r}' for k, v in shown.items() if v)})"

    __str__ = __repr__
