"""`briefings check-config`: every shipped YAML file, core and bot, checked in one pass."""

from __future__ import annotations

from pathlib import Path

from bot.channels import load_channels
from briefings.analysis.taxonomy import load_taxonomy
from briefings.configcheck import check_core_config
from briefings.errors import ConfigError, ConfigProblem


def check_config_dir(folder: Path) -> list[ConfigProblem]:
    problems = check_core_config(folder)
    channels = folder / "channels.yaml"
    if channels.exists() and not any(p.file.endswith("taxonomy.yaml") for p in problems):
        try:
            load_channels(channels, load_taxonomy(folder))
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems
