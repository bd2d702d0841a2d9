"""Maintenance commands of `python -m bot`: the data keys (a first one, rotation), backups and restoring one."""
from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from tqdm import tqdm

from bot.settings import KEYS_ADVICE, DatabaseOnly, Settings
from storage import backup as backups
from storage.db import create_engine, is_sqlite
from storage.encryption import new_key
from storage.migrate import upgrade_to_head
from storage.sealed_data import check_keys, keys_in_use, left_to_rotate, rotate

_EMPTY_SETTING = re.compile(r"^DATA_KEYS=[ \t]*$", re.MULTILINE)


def ensure_key(env_file: str) -> int:
    """`make run` on first use: a fresh key into .env, unless DATA_KEYS is set or the database needs another."""
    found = DatabaseOnly(_env_file=env_file)
    if found.data_keys is not None:
        return 0
    sealed = _sealed_already(found.database_url)
    if sealed:
        print(
            f"DATA_KEYS is missing, and the database holds values sealed under key(s) {', '.join(sealed)}: "
            "set DATA_KEYS to the key(s) they were sealed with (a new key cannot open them).",
            file=sys.stderr,
        )
        return 2
    path = Path(env_file)
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f"DATA_KEYS={new_key()}"
    if _EMPTY_SETTING.search(before):  # a copy of .env.example: its own line is filled in
        after = _EMPTY_SETTING.sub(line, before, count=1)
    else:
        separator = "" if not before or before.endswith("\n") else "\n"
        after = f"{before}{separator}# Seals what people confide (see .env.example); {KEYS_ADVICE}.\n{line}\n"
    path.write_text(after, encoding="utf-8")
    os.chmod(path, 0o600)
    print(f"Wrote a new data key into {env_file} (DATA_KEYS): {KEYS_ADVICE}.", file=sys.stderr)
    return 0


def _sealed_already(url: str) -> list[str]:
    if is_sqlite(url):
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).exists():
            return []

    async def look() -> list[str]:
        engine = create_engine(url)
        try:
            return sorted(ident for ident in await keys_in_use(engine) if ident != "plain")
        except DBAPIError:
            return []  # no tables yet (or no database to reach): nothing sealed to keep readable
        finally:
            await engine.dispose()

    return asyncio.run(look())


async def rotate_keys(settings: Settings, *, batch: int, pause: float = 0.0) -> int:
    """Everything sealed under another key of DATA_KEYS, sealed again under the first; resumable."""
    ring = settings.key_ring()
    engine = create_engine(settings.database_url, keys=ring)
    try:
        await upgrade_to_head(engine)
        await check_keys(engine, ring)
        total = await left_to_rotate(engine, ring)
        with tqdm(total=total, unit="value", desc=f"rotate-keys to {ring.writer}", file=sys.stderr) as bar:
            done = await rotate(engine, ring, batch=max(batch, 1), pause=pause, done=bar.update)
        left = await left_to_rotate(engine, ring)
    finally:
        await engine.dispose()
    print(f"Sealed {done.resealed} value(s) again under key {ring.writer}.")
    if left:
        print(
            f"{left} value(s) are still under another key: a bot still running with the former DATA_KEYS wrote them. "
            "Restart every process with the new DATA_KEYS (the new key first), then run rotate-keys again.",
            file=sys.stderr,
        )
        return 1
    others = [ident for ident in ring.ids if ident != ring.writer]
    if others:
        print(f"Nothing is left under {', '.join(others)}: those keys may now leave DATA_KEYS.")
    return 0


PG_DUMP_ADVICE = (
    "On PostgreSQL, back up with its own tool while the bot runs (one consistent snapshot): "
    "pg_dump --format=custom --file PATH DATABASE (compressed); restore into an empty database with "
    "pg_restore --no-owner --dbname DATABASE PATH, then start the bot on it (README, «Backups»)."
)


def back_up(path: str) -> int:
    """`python -m bot backup PATH`: a consistent compressed copy while the bot runs, and what it holds."""
    url = DatabaseOnly().database_url
    if not is_sqlite(url):
        print(PG_DUMP_ADVICE, file=sys.stderr)
        return 2
    try:
        made, manifest = backups.back_up(url, Path(path), datetime.now(UTC))
    except backups.BackupRefused as error:
        print(f"No backup: {error}.", file=sys.stderr)
        return 2
    print(f"Backed up to {made} ({made.stat().st_size / 1e6:.1f} MB):")
    for line in manifest.describe():
        print(f"  {line}")
    return 0


def restore(path: str) -> int:
    """`python -m bot restore PATH`: the backup becomes the database, unless the database is in use."""
    url = DatabaseOnly().database_url
    if not is_sqlite(url):
        print(PG_DUMP_ADVICE, file=sys.stderr)
        return 2
    try:
        manifest, kept = backups.restore(Path(path), url, datetime.now(UTC))
    except backups.BackupRefused as error:
        print(f"Not restored: {error}.", file=sys.stderr)
        return 2
    print(f"Restored {path} into {backups.sqlite_path(url)}:")
    for line in manifest.describe():
        print(f"  {line}")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}.")
    print("Start the bot with the DATA_KEYS named above; it brings the schema up to date if the backup is older.")
    return 0
