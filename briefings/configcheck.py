"""Validate the core's shipped YAML files, collecting every problem rather than stopping at one."""

from __future__ import annotations

from pathlib import Path

from briefings.analysis.taxonomy import TaxonomySpec
from briefings.errors import ConfigError, ConfigProblem
from briefings.feeds.config import SourcesFile, load_sources
from briefings.ingest.metadata import OutletMap
from briefings.ingest.rules import CleaningRules
from briefings.settings import Settings
from briefings.yamlconf import load_model

CORE_FILES = {
    "briefings.yaml": Settings,
    "cleaning.yaml": CleaningRules,
    "outlets.yaml": OutletMap,
    "taxonomy.yaml": TaxonomySpec,
    "sources.yaml": SourcesFile,
}
OPTIONAL = {"briefings.yaml", "sources.yaml"}


def load_core_file(path: Path, name: str) -> None:
    """Validate one core file by its name; raise ConfigError with every problem."""
    if name == "sources.yaml":  # beyond its schema: source names must be unique
        load_sources(path)
    else:
        load_model(path, CORE_FILES[name])


def check_core_config(folder: Path) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for name in CORE_FILES:
        path = folder / name
        if not path.exists() and name in OPTIONAL:
            continue
        try:
            load_core_file(path, name)
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems
