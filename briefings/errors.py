"""Errors the core raises. Each says where and why, so callers can report it and go on."""

from __future__ import annotations

from dataclasses import dataclass


class BriefingsError(Exception):
    """Base class of every error the core raises on purpose."""


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        entry = f" [{self.entry}]" if self.entry else ""
        return f"{where}{entry}: {self.message}"


class ConfigError(BriefingsError):
    """One or more problems in a configuration file, all reported at once."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RejectedInput(BriefingsError):
    """An input file or article that cannot be archived; `reason` is for the user."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")
