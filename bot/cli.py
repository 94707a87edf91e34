"""Entry point of the `briefings` command: the core CLI plus the bot's own commands."""

from __future__ import annotations

import argparse
import sys

from briefings import cli as core_cli
from briefings.settings import config_dir


def cmd_check_config(args: argparse.Namespace) -> int:
    from bot.config_check import check_config_dir

    folder = config_dir(args.config)
    problems = check_config_dir(folder)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if problems:
        sys.stderr.write(f"{len(problems)} problem(s) in {folder}\n")
        return 1
    sys.stdout.write(f"{folder}: configuration OK\n")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Ingest the seed folder (idempotent), then report the archive."""
    from pathlib import Path

    from briefings.archive import Archive

    archive = Archive.open(args.config, args.db)
    try:
        report = archive.ingest([Path(archive.settings.ingest.seeds)])
        sys.stdout.write(f"seeds: {report.summary_line()}\n")
    finally:
        archive.close()
    return core_cli.cmd_stats(argparse.Namespace(config=args.config, db=args.db, json=False))


def add_bot_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the bot: scheduler plus every chat adapter with credentials")
    p.set_defaults(handler=cmd_run)
    p = sub.add_parser("check-config", help="validate every YAML file in the config folder")
    p.set_defaults(handler=cmd_check_config)


def main(argv: list[str] | None = None) -> int:
    parser, sub = core_cli.build_parser()
    add_bot_commands(sub)
    return core_cli.run(argv, parser)


if __name__ == "__main__":
    sys.exit(main())
