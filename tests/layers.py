"""The layers point one way: core imports neither aiogram nor SQLAlchemy, and so on.

Run as `python -m tests.layers` (part of `make test`): prints each import
that crosses a layer the wrong way and exits 1 if there is any.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "core": {"aiogram", "sqlalchemy", "alembic", "aiohttp", "apscheduler", "redis", "bot", "storage", "scheduler", "web"},
    "storage": {"aiogram", "aiohttp", "apscheduler", "bot", "scheduler", "web"},
    "scheduler": {"aiogram", "bot", "web"},
    # The pages read through core's use cases like a handler does; the composition root hands them the rest.
    "web": {"aiogram", "sqlalchemy", "alembic", "apscheduler", "redis", "bot", "storage", "scheduler"},
    # The demo runs the bot as a process of its own and talks to it as Telegram would.
    "playground": {"aiogram", "bot", "web"},
}
# Nothing of the product leans on the demo.
for _layer in ("core", "storage", "scheduler", "bot", "web"):
    FORBIDDEN.setdefault(_layer, set()).add("playground")


def violations() -> list[str]:
    found = []
    for layer, banned in FORBIDDEN.items():
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] in banned:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {layer}/ must not import {name}")
    return found


if __name__ == "__main__":
    problems = violations()
    print("\n".join(problems) or "layers: every import points down")
    sys.exit(1 if problems else 0)
