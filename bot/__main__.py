"""`python -m bot` runs the bot; `python -m bot <command>` runs a maintenance command."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The platform's Telegram bot.")
    parser.add_argument(
        "command", nargs="?", default="run", choices=["run", "compile-locales", "missing-translations", "demo-data"]
    )
    args = parser.parse_args(argv)

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

    settings = load_settings()
    if settings is None:
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from bot.app import build_app
    from bot.runner import run

    asyncio.run(run(build_app(settings)))
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
    return f"{name} is invalid: {first['msg']} (see .env.example)."


if __name__ == "__main__":
    sys.exit(main())
