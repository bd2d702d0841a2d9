"""Rotating the data keys as an operator does, with `python -m bot rotate-keys` as a process of its own.

Written under key A; B is put first in DATA_KEYS; rotate-keys is killed (SIGKILL) halfway and run again;
then A leaves DATA_KEYS and everything still reads, nothing left under A.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage.db import create_engine, session_factory
from storage.encryption import KeyRing, new_key, sealed_prefix
from storage.sealed_data import keys_in_use
from storage.tables import FsmStateRow
from tests.support.bot_process import DEFAULT_BOT_TOKEN, REPO_ROOT

pytestmark = pytest.mark.e2e

DRAFTS = 400
# Twenty batches of 20, each followed by a pause as an operator may ask for: a kill lands between two of them
# however fast the machine (run flat out, the whole rotation could end between two looks at the database).
BATCH, PAUSE = 20, 0.1
AT = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _draft(number: int) -> dict[str, str]:
    return {"note": f"чернетка {number}: мені важко говорити про це"}


async def _write_under(database_url: str, ring: KeyRing) -> None:
    engine = create_engine(database_url, keys=ring)
    try:
        async with session_factory(engine)() as db:
            db.add_all(
                FsmStateRow(key=f"fsm:{n}:{n}", state="Booking:note", data=_draft(n), updated_at=AT) for n in range(DRAFTS)
            )
            await db.commit()
    finally:
        await engine.dispose()


async def _left_under(database_url: str, key_id: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(
                text("SELECT count(*) FROM fsm_states WHERE data LIKE :prefix"), {"prefix": sealed_prefix(key_id) + "%"}
            ) or 0)
    finally:
        await engine.dispose()


async def _rotate(database_url: str, keys: str, workdir: Path) -> asyncio.subprocess.Process:
    env = {name: value for name, value in os.environ.items() if name not in ("DATA_KEYS", "REDIS_URL")}
    env.update(BOT_TOKEN=DEFAULT_BOT_TOKEN, DATABASE_URL=database_url, DATA_KEYS=keys, PYTHONPATH=str(REPO_ROOT))
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "rotate-keys", "--batch", str(BATCH), "--pause", str(PAUSE), cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_rotation_killed_halfway_finishes_when_run_again_and_the_old_key_can_go(database_url, tmp_path):
    a, b = new_key(), new_key()
    ring_a, ring_b = KeyRing.parse(a), KeyRing.parse(b)
    await _write_under(database_url, ring_a)

    first = await _rotate(database_url, f"{b},{a}", tmp_path)
    left = DRAFTS
    while left == DRAFTS or left == 0:  # a batch committed, and not yet the last one
        await asyncio.sleep(0.01)
        left = await _left_under(database_url, ring_a.writer)
        assert first.returncode is None or left not in (0, DRAFTS), "rotate-keys ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    await first.communicate()
    assert first.returncode == -signal.SIGKILL
    halfway = await _left_under(database_url, ring_a.writer)
    assert 0 < halfway < DRAFTS

    second = await _rotate(database_url, f"{b},{a}", tmp_path)
    out, err = await second.communicate()
    assert second.returncode == 0, err.decode()
    assert f"Nothing is left under {ring_a.writer}" in out.decode()
    assert "value" in err.decode(), "the progress bar"

    engine = create_engine(database_url, keys=ring_b)  # A has left DATA_KEYS
    try:
        assert await keys_in_use(engine) == {ring_b.writer: DRAFTS}
        async with session_factory(engine)() as db:
            drafts = {row.key: row.data for row in await db.scalars(select(FsmStateRow))}
            count = await db.scalar(select(func.count()).select_from(FsmStateRow))
    finally:
        await engine.dispose()
    assert count == DRAFTS
    assert all(drafts[f"fsm:{n}:{n}"] == _draft(n) for n in range(DRAFTS))


async def test_a_bot_given_keys_that_cannot_open_its_data_refuses_to_start_and_says_why(database_url, tmp_path):
    await _write_under(database_url, KeyRing.parse(new_key()))
    env = {name: value for name, value in os.environ.items() if name not in ("DATA_KEYS",)}
    env.update(BOT_TOKEN=DEFAULT_BOT_TOKEN, DATABASE_URL=database_url, DATA_KEYS=new_key(), PYTHONPATH=str(REPO_ROOT),
               TELEGRAM_API_BASE="http://127.0.0.1:9")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)

    assert process.returncode == 2
    last = err.decode().strip().splitlines()[-1]  # after the log of its start: the migrations it checked
    assert "which DATA_KEYS does not hold" in last and "Traceback" not in err.decode()


async def _ensure_key(workdir: Path, **env_values: str) -> tuple[int, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("DATA_KEYS", "DATABASE_URL", "BOT_TOKEN")}
    env.update(PYTHONPATH=str(REPO_ROOT), **env_values)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ensure-key", cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, err.decode()


def _data_keys_lines(env_file: Path) -> list[str]:
    return [line for line in env_file.read_text().splitlines() if line.startswith("DATA_KEYS=")]


async def test_make_runs_first_key_goes_into_env_once_and_fills_a_copied_example(tmp_path):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    code, said = await _ensure_key(fresh)
    assert code == 0 and "Wrote a new data key into .env" in said and "apart from the database" in said
    (line,) = _data_keys_lines(fresh / ".env")
    assert KeyRing.parse(line.removeprefix("DATA_KEYS=")).writer
    assert (fresh / ".env").stat().st_mode & 0o077 == 0, "readable by its owner only"
    assert await _ensure_key(fresh) == (0, "") and _data_keys_lines(fresh / ".env") == [line], "once"

    copied = tmp_path / "copied"
    copied.mkdir()
    (copied / ".env").write_text((REPO_ROOT / ".env.example").read_text())
    assert (await _ensure_key(copied))[0] == 0
    (filled,) = _data_keys_lines(copied / ".env")
    assert filled != "DATA_KEYS=" and "BOT_TOKEN=" in (copied / ".env").read_text()


async def test_no_new_key_is_made_for_a_database_sealed_under_another(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("`make run` is the embedded default's: SQLite")
    lost = KeyRing.parse(new_key())
    await _write_under(database_url, lost)

    code, said = await _ensure_key(tmp_path, DATABASE_URL=database_url)

    assert code == 2 and f"sealed under key(s) {lost.writer}" in said and "a new key cannot open them" in said
    assert not (tmp_path / ".env").exists()
