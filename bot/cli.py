"""Entry point of the `briefings` command: the core CLI plus the bot's own commands."""

from __future__ import annotations

import argparse
import os
import sys

from briefings import cli as core_cli
from briefings.settings import config_dir


def cmd_check_config(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.config_check import check_config_paths

    folder = config_dir(args.config)
    paths = [Path(p) for p in args.paths]
    problems = check_config_paths(paths, folder)
    checked = ", ".join(map(str, paths)) if paths else str(folder)
    if args.json:
        import json
        sys.stdout.write(json.dumps({"checked": checked, "ok": not problems, "problems": [
            {"file": p.file, "line": p.line, "entry": p.entry, "message": p.message} for p in problems]},
            ensure_ascii=False, indent=2) + "\n")
        return 1 if problems else 0
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if problems:
        sys.stderr.write(f"{len(problems)} problem(s) in {checked}\n")
        return 1
    sys.stdout.write(f"{checked}: configuration OK\n")
    return 0


TEST_CLOCK_SHIFT = "BRIEFINGS_TEST_CLOCK_SHIFT"


def shift_clock_for_tests() -> None:
    """FOR TESTS ONLY. With BRIEFINGS_TEST_CLOCK_SHIFT=<seconds> set, this process runs on the wall clock
    moved by that many seconds (everywhere: the bot, APScheduler, the log; still ticking at the real rate),
    so a test can start several bot processes that agree on the time a few seconds before a slot, instead
    of waiting for one. Needs time-machine (a test dependency); never set it in production."""
    shift = os.environ.get(TEST_CLOCK_SHIFT)
    if shift:
        import time

        import time_machine
        time_machine.travel(time.time() + float(shift), tick=True).start()


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from bot.app import run_bot
    from bot.leadership import LEASE_SECONDS

    shift_clock_for_tests()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return asyncio.run(run_bot(args.config, args.db, force_console=args.console,
                               lease_seconds=args.lease_seconds or LEASE_SECONDS))


def add_bot_commands(sub: argparse._SubParsersAction) -> None:
    p = core_cli.add_command(sub, "run", help="start the bot: scheduler plus every chat adapter with credentials")
    p.add_argument("--console", action="store_true", help="also (or only) chat in this terminal")
    p.add_argument("--lease-seconds", type=float, metavar="S",
                   help="several processes on one archive: a process that stops is replaced as the one firing "
                        "scheduled jobs within about S + S/3 seconds (default 30)")
    p.set_defaults(handler=cmd_run)
    p = core_cli.add_command(sub, "check-config", help="validate config folders or single YAML files "
                                                       "(default: the config folder)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="a config folder or a file such as channels.yaml")
    p.add_argument("--json", action="store_true", help="the problems as JSON (file, line, entry, message)")
    p.set_defaults(handler=cmd_check_config)


def main(argv: list[str] | None = None) -> int:
    parser, sub = core_cli.build_parser()
    add_bot_commands(sub)
    return core_cli.run(argv, parser)


if __name__ == "__main__":
    sys.exit(main())
