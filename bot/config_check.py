"""`briefings check-config`: every shipped YAML file, core and bot, checked in one pass."""

from __future__ import annotations

from pathlib import Path

from bot.channels import load_channels
from briefings.analysis.taxonomy import load_taxonomy
from briefings.configcheck import CORE_FILES, check_core_config, load_core_file
from briefings.errors import ConfigError, ConfigProblem

BOT_FILES = ("channels.yaml",)


def check_config_dir(folder: Path) -> list[ConfigProblem]:
    problems = check_core_config(folder)
    channels = folder / "channels.yaml"
    if channels.exists() and not any(p.file.endswith("taxonomy.yaml") for p in problems):
        try:
            names = {c.name for c in load_channels(channels, load_taxonomy(folder)).channels}
        except ConfigError as exc:
            problems.extend(exc.problems)
        else:
            problems.extend(_notify_problems(folder / "sources.yaml", names))
    return problems


def _notify_problems(sources: Path, channel_names: set[str]) -> list[ConfigProblem]:
    """A source may tell channels when it keeps failing: they must be channels of channels.yaml."""
    from briefings.feeds.config import load_sources

    if not sources.exists():
        return []
    try:
        specs = load_sources(sources)
    except ConfigError:
        return []  # reported by the core check already
    return [ConfigProblem(str(sources), None, f"sources.{i}.notify",
                          f"unknown channel {name!r} (channels.yaml has: {', '.join(sorted(channel_names)) or 'none'})")
            for i, spec in enumerate(specs) for name in spec.notify if name not in channel_names]


def check_config_file(path: Path, fallback: Path) -> list[ConfigProblem]:
    """One YAML file, known by its name; channels are checked against the taxonomy beside them, or
    `fallback`'s when there is none (so a channels file can be checked before it is deployed)."""
    name = path.name
    if not path.is_file():
        return [ConfigProblem(str(path), None, "", "no such file")]
    if name in CORE_FILES:
        try:
            load_core_file(path, name)
        except ConfigError as exc:
            return exc.problems
        return []
    if name in BOT_FILES:
        beside = path.parent / "taxonomy.yaml"
        try:
            taxonomy = load_taxonomy(path.parent if beside.exists() else fallback)
        except ConfigError as exc:
            return exc.problems
        try:
            load_channels(path, taxonomy)
        except ConfigError as exc:
            return exc.problems
        return []
    known = ", ".join(sorted([*CORE_FILES, *BOT_FILES]))
    return [ConfigProblem(str(path), None, "", f"not a briefings config file (known names: {known})")]


def check_config_paths(paths: list[Path], default_folder: Path) -> list[ConfigProblem]:
    """Folders and files in one pass; every problem of every path, each with its file and line."""
    problems: list[ConfigProblem] = []
    for path in paths or [default_folder]:
        if path.is_dir():
            problems.extend(check_config_dir(path))
        else:
            problems.extend(check_config_file(path, default_folder))
    return problems
