"""Each chat command is defined once (briefings.command_specs); every platform's definition, the help
text, the Slack manifest and the README agree with it."""

from __future__ import annotations

import re

import yaml

from bot.discord_commands import briefing_group
from briefings.command_specs import BY_NAME, PUBLIC_COMMANDS, SPECS
from briefings.commands import CommandContext, Commands
from tests.conftest import CONFIG, ROOT


class _Answerer:
    async def answer(self, interaction, name, positional, named):  # pragma: no cover - never called here
        raise AssertionError


def test_every_spec_has_a_handler_and_every_handler_a_spec():
    handlers = {name.removeprefix("cmd_") for name in dir(Commands) if name.startswith("cmd_")}
    assert handlers == set(BY_NAME)


def test_the_discord_tree_is_the_spec(seeded):
    group = briefing_group(_Answerer(), seeded.taxonomy, ["daily-seeds"])
    tree = {c.name: c for c in group.commands}
    assert set(tree) == set(BY_NAME)
    for spec in SPECS:
        command = tree[spec.name]
        assert command.description == spec.summary and len(spec.summary) <= 100
        params = command.parameters
        assert [p.name for p in params] == [p.name for p in spec.params], spec.name
        for param, defined in zip(params, spec.params, strict=True):
            assert param.required == defined.required, (spec.name, param.name)
            assert param.description == defined.help[:100] and len(defined.help) <= 100
            completes = defined.kind in ("company", "theme", "channel")
            assert bool(param.autocomplete) == completes, (spec.name, param.name)


def test_help_lists_every_command_with_its_usage_and_example(seeded):
    notes = Commands(CommandContext(seeded)).run_text("help").digest.notes
    assert len(notes) == len(SPECS)
    for spec, line in zip(SPECS, notes, strict=True):
        assert line.startswith(spec.usage) and spec.example in line


def test_the_slack_manifest_hint_and_the_readme_use_only_defined_commands():
    manifest = yaml.safe_load((CONFIG / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    hint = manifest["features"]["slash_commands"][0]["usage_hint"]
    assert {part.split()[0] for part in hint.split("·")} <= set(BY_NAME)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    chat = readme[readme.index("## Chat: Slack and Discord"):]
    for spec in SPECS:
        assert f"`{spec.name}" in chat, spec.name
    public = re.search(r"- (.+?) answer in the channel", chat)[1]
    assert set(re.findall(r"`(\w+)`", public)) == PUBLIC_COMMANDS
