"""Backups of the embedded database (SQLite) that can be restored, and the mark that a database is in use.

A backup is a zip archive: the database, copied with SQLite's online backup API (one consistent snapshot,
taken while the bot goes on writing), compressed, and `manifest.json`, which lists what it holds: the
schema's revision, every table's rows, the keys its sealed values need (by id: the keys themselves are
never in a backup). Restoring checks both, and refuses to replace a database a process is using.

PostgreSQL has its own tools for both (`pg_dump`, `pg_restore`; README, «Backups»).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from storage.encryption import sealed_key, sealed_prefix
from storage.migrate import MIGRATIONS
from storage.sealed_data import sealed_columns

FORMAT = 1
DATABASE_MEMBER = "bot.sqlite3"
MANIFEST_MEMBER = "manifest.json"
IN_USE_SUFFIX = "-in-use"


class BackupRefused(Exception):
    """The backup cannot be made or restored; the message says why, for an operator."""


@dataclass(frozen=True)
class Manifest:
    made_at: str
    schema: str  # the Alembic revision the database was at
    tables: dict[str, int]  # rows per table
    sealed_under: list[str]  # ids of the keys its sealed values need
    database_bytes: int
    format: int = FORMAT
    notes: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        rows = ", ".join(f"{table} {count}" for table, count in sorted(self.tables.items()) if count)
        keys = ", ".join(self.sealed_under) or "none"
        return [
            f"made at {self.made_at}, schema {self.schema}, {self.database_bytes / 1e6:.1f} MB uncompressed",
            f"rows: {rows or 'none'}",
            f"sealed values need the data key(s): {keys} (DATA_KEYS; kept apart, never in a backup)",
        ]


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if make_url(url).get_backend_name() != "sqlite" or not database or database == ":memory:":
        raise BackupRefused("this backs up a SQLite database file; on PostgreSQL use pg_dump (README, «Backups»)")
    return Path(database)


# -- in use ----------------------------------------------------------------------------------------------


class InUse:
    """Held by every process that uses the database file (shared); a restore needs it alone (exclusive).

    An advisory lock on a file beside the database: the system lets go of it when the process ends, killed too.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def hold(database: Path, *, alone: bool = False) -> InUse:
    database.parent.mkdir(parents=True, exist_ok=True)
    handle = open(database.with_name(database.name + IN_USE_SUFFIX), "ab")
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if alone else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupRefused(f"{database} is in use: stop the bot (every process using it) first") from None
    return InUse(handle)


# -- backing up ------------------------------------------------------------------------------------------


def back_up(url: str, target: Path, now: datetime) -> tuple[Path, Manifest]:
    """A consistent, compressed copy of the database at `target` (a folder: a file named by the time in it)."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupRefused(f"there is no database at {source} to back up")
    if target.is_dir():
        target = target / f"bot-backup-{now.strftime('%Y%m%d-%H%M%S')}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        copy = Path(work) / DATABASE_MEMBER
        _snapshot(source, copy)
        manifest = _describe(copy, now)
        partial = Path(work) / "archive.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            archive.writestr(MANIFEST_MEMBER, json.dumps(asdict(manifest), indent=2, ensure_ascii=False))
            archive.write(copy, DATABASE_MEMBER)
        _flush(partial)
        os.replace(partial, target)  # whole or not at all: a crash never leaves half an archive under the name
    return target, manifest


def _snapshot(source: Path, copy: Path) -> None:
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(copy)
    try:
        # All pages in one step: one read transaction, so one moment's state; writers in WAL mode go on meanwhile.
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        writer.close()
        reader.close()


def _describe(copy: Path, now: datetime) -> Manifest:
    connection = sqlite3.connect(copy)
    try:
        checked = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if checked != "ok":
            raise BackupRefused(f"the copy failed SQLite's integrity check: {checked}")
        schema = _schema_of(connection)
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )]
        tables = {name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}
        keys: set[str] = set()
        width = len(sealed_prefix("00000000"))
        for place in sealed_columns():
            if place.table in tables:
                for (prefix,) in connection.execute(
                    f'SELECT DISTINCT substr("{place.column}", 1, {width}) FROM "{place.table}" '
                    f'WHERE "{place.column}" IS NOT NULL'
                ):
                    if (ident := sealed_key(str(prefix))) is not None:
                        keys.add(ident)
    finally:
        connection.close()
    return Manifest(now.isoformat(), schema, tables, sorted(keys), copy.stat().st_size)


def _schema_of(connection: sqlite3.Connection) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        raise BackupRefused("not the bot's database: it has no schema revision")
    return str(row[0])


def _flush(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def prune(folder: Path, keep: int) -> list[Path]:
    """Of the backups the daily job made in `folder`, all but the `keep` newest go; returns those removed."""
    made = sorted(folder.glob("bot-backup-*.zip"))
    gone = made[: max(len(made) - keep, 0)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


# -- restoring -------------------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            raw: dict[str, Any] = json.loads(archive.read(MANIFEST_MEMBER))
            archive.getinfo(DATABASE_MEMBER)
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise BackupRefused(f"{archive_path} is not a backup made by `python -m bot backup` ({error})") from error
    if raw.get("format") != FORMAT:
        raise BackupRefused(f"{archive_path} is a backup of another format ({raw.get('format')}): use the release that made it")
    return Manifest(**raw)


def restore(archive_path: Path, url: str, now: datetime) -> tuple[Manifest, Path | None]:
    """The backup becomes the database at `url`; what was there is kept aside. Returns where it was kept."""
    manifest = read_manifest(archive_path)
    known = ScriptDirectory(str(MIGRATIONS))
    try:
        known.get_revision(manifest.schema)
    except Exception as error:
        raise BackupRefused(
            f"the backup's schema {manifest.schema} is unknown to this release (a newer one made it): restore it with that release"
        ) from error
    target = sqlite_path(url)
    alone = hold(target, alone=True)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as work:
            copy = Path(work) / DATABASE_MEMBER
            with zipfile.ZipFile(archive_path) as archive, archive.open(DATABASE_MEMBER) as packed, open(copy, "wb") as out:
                shutil.copyfileobj(packed, out)
            check = sqlite3.connect(copy)
            try:
                if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok" or _schema_of(check) != manifest.schema:
                    raise BackupRefused(f"{archive_path} is damaged: its database does not match its manifest")
            finally:
                check.close()
            _flush(copy)
            kept = _set_aside(target, now)
            os.replace(copy, target)
    finally:
        alone.release()
    return manifest, kept


def _set_aside(target: Path, now: datetime) -> Path | None:
    """The database being replaced, with its journal files, moved beside it under a dated name."""
    if not target.exists():
        return None
    aside = target.with_name(f"{target.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("-wal", "-shm"):
        journal = target.with_name(target.name + suffix)
        if journal.exists():
            os.replace(journal, aside.with_name(aside.name + suffix))
    os.replace(target, aside)
    return aside
