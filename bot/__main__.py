"""`python -m bot` runs the bot; `python -m bot <command>` runs a maintenance command (`--help` lists them)."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.settings import KEYS_ADVICE, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The platform's Telegram bot.")
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("compile-locales", help="compile the translations")
    commands.add_parser("missing-translations", help="print what is not translated yet")
    commands.add_parser("demo-data", help="load the demo therapists")
    commands.add_parser("new-key", help="print a fresh data key for DATA_KEYS")
    ensure = commands.add_parser("ensure-key", help="write a fresh data key into .env unless DATA_KEYS is set")
    ensure.add_argument("--env-file", default=".env")
    rotate = commands.add_parser("rotate-keys", help="seal again, under the first of DATA_KEYS, what another key sealed")
    rotate.add_argument("--batch", type=int, default=500, help="values per transaction (default 500)")
    rotate.add_argument(
        "--pause", type=float, default=0.0, help="seconds to wait between transactions, to spare a busy database (default 0)"
    )
    backup = commands.add_parser("backup", help="a consistent compressed copy of the database, while the bot runs")
    backup.add_argument("path", help="the archive to write, or a folder to write it into")
    restore = commands.add_parser("restore", help="replace the database (not in use) with a backup")
    restore.add_argument("path", help="an archive made by `backup`")
    args = parser.parse_args(argv)
    args.command = args.command or "run"

    # Imported per command: loading demo data needs neither aiogram nor a token.
    if args.command == "compile-locales":
        from bot.i18n import compile_catalogues

        compile_catalogues(force=True)
        return 0
    if args.command == "missing-translations":
        from bot.i18n import missing_translations, po_skeleton

        missing = missing_translations("uk")
        print(po_skeleton(missing))
        return 1 if missing else 0
    if args.command == "demo-data":
        from bot.demo_data import main as load_demo_data

        return load_demo_data()

    if args.command == "new-key":
        from storage.encryption import new_key

        print(new_key())
        return 0
    if args.command == "ensure-key":
        from bot.maintenance import ensure_key

        return ensure_key(args.env_file)
    # Copies of the database as it is, sealed values and all: neither needs the token nor the keys.
    if args.command == "backup":
        from bot.maintenance import back_up

        return back_up(args.path)
    if args.command == "restore":
        from bot.maintenance import restore as restore_backup

        return restore_backup(args.path)

    settings = load_settings()
    if settings is None:
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from storage.encryption import DamagedValue, MissingDataKeys, UnknownDataKey

    try:
        if args.command == "rotate-keys":
            from bot.maintenance import rotate_keys

            return asyncio.run(rotate_keys(settings, batch=args.batch, pause=max(args.pause, 0.0)))

        from bot.app import build_app
        from bot.inbox.polling import AnotherPoller
        from bot.runner import run

        try:
            asyncio.run(run(build_app(settings)))
        except AnotherPoller as error:
            print(
                f"Another process is polling this bot, so this one stops (Telegram: {error}). Run one polling process "
                "per bot, or several replicas in webhook mode (README, «Running replicas»).",
                file=sys.stderr,
            )
            return 3
    except (UnknownDataKey, DamagedValue, MissingDataKeys) as error:
        print(f"{error}: DATA_KEYS must hold every key that sealed what the database keeps ({KEYS_ADVICE}).", file=sys.stderr)
        return 2
    return 0


def load_settings() -> Settings | None:
    try:
        settings = Settings()
    except ValidationError as error:
        print(explain(error), file=sys.stderr)
        return None
    return settings


def explain(error: ValidationError) -> str:
    """One line an operator can act on, instead of a traceback."""
    first = error.errors()[0]
    if not first["loc"] and first["type"] == "value_error":
        # A rule between settings (RUN_MODE=webhook needs WEBHOOK_SECRET, ...): its message names them itself.
        return f"{first['ctx']['error']}."
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    if name == "BOT_TOKEN":
        return (
            "BOT_TOKEN is missing or malformed: set BOT_TOKEN in the environment or in .env "
            "(a token looks like 123456789:AA...; get one from @BotFather in Telegram with /newbot)."
        )
    if name == "DATA_KEYS" and first["type"] == "missing":
        return (
            "DATA_KEYS is missing: set it in the environment or in .env to a key from `python -m bot new-key` "
            f"(`make run` writes one into .env on first use); {KEYS_ADVICE}."
        )
    return f"{name} is invalid: {first['msg']} (see .env.example)."


if __name__ == "__main__":
    sys.exit(main())
