"""The chat adapter protocol and the registry of platforms: a new platform is one module plus one
entry here. `run_bot` starts every registered platform whose credentials are set."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.channels import ChannelConfig, ChannelSpec
from bot.credentials import Credentials
from bot.delivery import ArchiveWorker
from briefings.commands import Commands


class ChatAdapter(Protocol):
    """Translates between one platform and the neutral commands and digests; nothing more."""

    async def run(self) -> None:
        """Serve until closed; retry what can be retried; raise only for what cannot (a bad token)."""

    async def close(self) -> None: ...

    async def post(self, channel: ChannelSpec, payload: dict[str, Any], *, key: str, thread_ref: str | None,
                   resume: bool) -> str:
        """Post one digest message; return its platform reference."""

    async def post_file(self, channel: ChannelSpec, name: str, data: bytes, comment: str) -> None:
        """Post a file (a chart) to a channel, with a short text."""

    def permanent(self, exc: Exception) -> bool: ...

    def retry_after(self, exc: Exception) -> float | None: ...


@dataclass(frozen=True)
class Platform:
    name: str
    module: str  # imported only when the platform is used: its SDK stays unloaded otherwise
    factory: str
    enabled: Callable[[Credentials], bool]

    def create(self, creds: Credentials, worker: ArchiveWorker, commands: Commands,
               config: ChannelConfig) -> ChatAdapter:
        build: Callable[..., ChatAdapter] = getattr(importlib.import_module(self.module), self.factory)
        return build(creds, worker, commands, config)


PLATFORMS: tuple[Platform, ...] = (
    Platform("slack", "bot.slack_adapter", "create", lambda c: c.slack),
    Platform("discord", "bot.discord_adapter", "create", lambda c: c.discord),
)
Closer = Callable[[], Awaitable[None]]
