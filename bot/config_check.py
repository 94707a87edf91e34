"""`briefings check-config`: every shipped YAML file, core and bot, checked in one pass."""

from __future__ import annotations

from pathlib import Path

from briefings.configcheck import check_core_config
from briefings.errors import ConfigProblem


def check_config_dir(folder: Path) -> list[ConfigProblem]:
    problems = check_core_config(folder)
    return problems
