"""Validate the core's shipped YAML files, collecting every problem rather than stopping at one."""

from __future__ import annotations

from pathlib import Path

from briefings.analysis.taxonomy import TaxonomySpec
from briefings.errors import ConfigError, ConfigProblem
from briefings.ingest.metadata import OutletMap
from briefings.ingest.rules import CleaningRules
from briefings.settings import Settings
from briefings.yamlconf import load_model

CORE_FILES = {
    "briefings.yaml": Settings,
    "cleaning.yaml": CleaningRules,
    "outlets.yaml": OutletMap,
    "taxonomy.yaml": TaxonomySpec,
}
OPTIONAL = {"briefings.yaml"}


def check_core_config(folder: Path) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for name, model in CORE_FILES.items():
        path = folder / name
        if not path.exists() and name in OPTIONAL:
            continue
        try:
            load_model(path, model)
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems
