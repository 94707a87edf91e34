"""Meta-tests that keep the house rules: layering, shipped YAML loads, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from briefings.errors import ConfigError
from briefings.yamlconf import load_model
from tests.conftest import CONFIG, ROOT

SDKS = {"slack_bolt", "slack_sdk", "discord", "apscheduler", "aiohttp"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "briefings").rglob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_sdk_scheduler_or_bot(path):
    bad = imported_modules(path) & (SDKS | {"bot"})
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", sorted([*(ROOT / "briefings").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_library_code_never_exits():
    for path in (ROOT / "briefings").rglob("*.py"):
        assert "sys.exit" not in path.read_text(encoding="utf-8"), path


def test_every_shipped_yaml_file_loads():
    from bot.config_check import check_config_dir
    shipped = sorted(CONFIG.glob("*.yaml"))
    assert shipped
    assert check_config_dir(CONFIG) == []


def test_yaml_errors_name_file_line_and_entry(tmp_path):
    from briefings.analysis.taxonomy import TaxonomySpec
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("companies:\n  - id: kt\n    name: {ko: KT, en: KT}\n    aliases: []\nthemes: []\n"
                   "roles: [사장]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_model(bad, TaxonomySpec)
    problem = info.value.problems[0]
    assert problem.file == str(bad) and problem.line == 4 and problem.entry == "companies.0.aliases"
    broken = tmp_path / "broken.yaml"
    broken.write_text("companies: [\n  - id: kt\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_model(broken, TaxonomySpec)
    assert "invalid YAML" in str(info.value) and info.value.problems[0].line is not None


def test_every_shipped_yaml_file_is_checked_or_is_the_slack_manifest():
    checked = {"briefings.yaml", "cleaning.yaml", "outlets.yaml", "taxonomy.yaml", "channels.yaml", "sources.yaml"}
    shipped = {p.name for p in CONFIG.glob("*.y*ml")}
    assert shipped == checked | {"slack-app-manifest.yaml"}


def test_the_slack_manifest_matches_the_adapter():
    import yaml

    from bot.slack_adapter import COMMAND
    manifest = yaml.safe_load((CONFIG / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND and command["should_escape"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # commands + chat.postMessage + conversations.history/replies (resume check) + chart uploads, nothing more
    assert scopes == {"commands", "chat:write", "channels:history", "groups:history", "files:write"}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert len(manifest["display_information"]["name"]) <= 35 and len(command["description"]) <= 100


def test_every_registered_platform_is_one_module_with_a_create_and_the_adapter_protocol():
    import importlib
    import inspect

    from bot.adapters import PLATFORMS, ChatAdapter
    from bot.console import ConsoleAdapter
    required = {name for name, _ in inspect.getmembers(ChatAdapter, inspect.isfunction)}
    assert {"run", "close", "post", "permanent", "retry_after"} <= required
    classes = [ConsoleAdapter]
    for platform in PLATFORMS:
        module = importlib.import_module(platform.module)
        create = getattr(module, platform.factory)
        classes.append(inspect.signature(create).return_annotation)
        classes[-1] = getattr(module, classes[-1]) if isinstance(classes[-1], str) else classes[-1]
    for cls in classes:
        missing = {name for name in required if not callable(getattr(cls, name, None))} - (
            {"run", "close"} if cls is ConsoleAdapter else set())  # the console has its own loop
        assert not missing, (cls.__name__, missing)
