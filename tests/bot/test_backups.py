"""Backups an operator can restore: `python -m bot backup` while twenty clients pay, `restore`, the daily backup.

The scene is booking_support's: Iryna (Kyiv) works weekdays 10:00-18:00; twenty clients each book one of
her sessions and pay for it. On SQLite the backup is the bot's own command (a process of its own, beside
the running bot); on PostgreSQL it is pg_dump and pg_restore, as the README says.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
import uuid
import zipfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from core.bookings import Booking
from storage.db import create_engine, is_sqlite, session_factory
from storage.tables import BookingRow, PaymentRow, PayoutRow
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import add_person, add_therapist, booked, deliver, utc
from tests.bot.payment_support import invoices, paid, pre_checkout
from tests.conftest import make_settings
from tests.support.bot_client import BotClient
from tests.support.bot_process import REPO_ROOT
from tests.support.keys import TEST_RING
from tests.support.recording_session import RecordingSession

app = booking_support.app
sleeper = booking_support.sleeper
payment_env = payment_support.payment_env
settings = payment_support.settings

CLIENTS = 20
FIRST_CLIENT = 7000
# Iryna's sessions start on the hour from 10:00 to 17:00 Kyiv (08:00-15:00 UTC): Thursday, Friday, Monday.
SLOTS = [utc(2026, 11, day, hour) for day in (26, 27, 30) for hour in range(8, 16)][:CLIENTS]

on_sqlite = pytest.mark.skipif(not is_sqlite(os.environ.get("DATABASE_URL") or "sqlite://"), reason="SQLite's own backup")
on_postgresql = pytest.mark.skipif(is_sqlite(os.environ.get("DATABASE_URL") or "sqlite://"), reason="PostgreSQL's tools")


async def _python_m_bot(*arguments: str, database_url: str, cwd: Path) -> tuple[int, str, str]:
    """The command as an operator runs it: only the database's address, neither token nor keys."""
    env = {name: value for name, value in os.environ.items() if name not in ("BOT_TOKEN", "DATA_KEYS")}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(REPO_ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _twenty_bookings(app: App, session: RecordingSession) -> list[tuple[BotClient, Booking]]:
    await add_therapist(app)
    made = []
    for number, starts_at in enumerate(SLOTS):
        client_id = FIRST_CLIENT + number
        await add_person(app, client_id, f"Client{number}", locale="uk", zone="Europe/Kyiv")
        booking = await booked(app, client_id, starts_at)
        async with app.unit_of_work() as uow:  # what the client wrote with the request: sealed, in the backup too
            booking.note = f"Client{number}: I have not slept properly for months."
            await uow.bookings.save(booking)
            await uow.commit()
        made.append((BotClient(app, session, client_id, f"Client{number}"), booking))
    await deliver(app)  # the invoices
    return made


async def _pay(session: RecordingSession, client: BotClient, booking: Booking) -> None:
    (invoice,) = [call for call in invoices(session, client.user_id) if call.payload.startswith(f"b{booking.id}v")]
    assert (await pre_checkout(client, invoice)).ok
    await paid(client, invoice, charge_id=f"tg-{client.user_id}")


async def _pay_all_while(
    app: App, session: RecordingSession, made: list[tuple[BotClient, Booking]], backup: Callable[[], Awaitable[None]]
) -> set[int]:
    """Every client pays at once; once five have, the backup starts. Returns who had paid before it started."""
    paid_at: dict[int, float] = {}
    five_paid = asyncio.Event()
    started_at: list[float] = []

    async def pay(client: BotClient, booking: Booking) -> None:
        await _pay(session, client, booking)
        paid_at[client.user_id] = time.monotonic()
        if len(paid_at) >= 5:
            five_paid.set()

    async def back_up_after_five() -> None:
        await five_paid.wait()
        started_at.append(time.monotonic())
        await backup()

    await asyncio.gather(back_up_after_five(), *(pay(client, booking) for client, booking in made))
    await deliver(app)
    return {client for client, at in paid_at.items() if at < started_at[0]}


async def _money(database_url: str) -> tuple[dict[int, str], dict[int, int | None], set[int]]:
    """Bookings (by client: status), payments (by payer: booking) and payouts (by booking) in a database."""
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with session_factory(engine)() as db:
            bookings = {row.client_id: row.status for row in await db.scalars(select(BookingRow))}
            payments = {row.payer_id: row.booking_id for row in await db.scalars(select(PaymentRow))}
            payouts = {row.booking_id for row in await db.scalars(select(PayoutRow)) if row.booking_id is not None}
    finally:
        await engine.dispose()
    return bookings, payments, payouts


async def _sessions_as_read_in(app: App, client_id: int) -> list[str]:
    session = app.bot.session
    assert isinstance(session, RecordingSession)
    return BotClient.texts_of(await BotClient(app, session, client_id, "Client").send("/sessions"))


async def _same_answers(original: App, restored_url: str, paid_before: set[int]) -> None:
    """The bot started on the restored database answers each client who had paid as the running one does."""
    restored = build_app(make_settings(restored_url, platform_fee_percent="20", **payment_support.PROVIDER),
                         clock=original.clock, session=RecordingSession())
    await restored.prepare()
    try:
        for client_id in sorted(paid_before)[:3]:
            answer = await _sessions_as_read_in(restored, client_id)
            assert answer == await _sessions_as_read_in(original, client_id)
            assert any("Оплачено" in text or "оплачено" in text for text in answer), answer
    finally:
        await restored.close()


@on_sqlite
async def test_a_backup_taken_while_twenty_clients_pay_restores_every_committed_payment(app, session, tmp_path):
    made = await _twenty_bookings(app, session)
    live_url = app.settings.database_url
    archive = tmp_path / "backups" / "bot-before-noon.zip"
    listing: list[str] = []

    async def backup() -> None:
        code, out, err = await _python_m_bot("backup", str(archive), database_url=live_url, cwd=tmp_path)
        assert code == 0, err
        listing.append(out)

    paid_before = await _pay_all_while(app, session, made, backup)

    assert len(paid_before) >= 5
    assert f"Backed up to {archive}" in listing[0] and "schema " in listing[0]
    assert f"sealed values need the data key(s): {TEST_RING.writer}" in listing[0]
    with zipfile.ZipFile(archive) as packed:
        manifest = json.loads(packed.read("manifest.json"))
        compressed = sum(info.compress_size for info in packed.infolist())
        copied = packed.read("bot.sqlite3")
    assert b"not slept" not in copied and "not slept".encode("utf-16-le") not in copied, "sealed in the backup too"
    assert manifest["tables"]["bookings"] == CLIENTS and manifest["sealed_under"] == [TEST_RING.writer]
    assert compressed < manifest["database_bytes"] / 2

    restored_url = f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'bot.db'}"
    code, out, err = await _python_m_bot("restore", str(archive), database_url=restored_url, cwd=tmp_path)
    assert code == 0, err
    assert out.startswith(f"Restored {archive}") and "rows: " in out
    bookings, payments, payouts = await _money(restored_url)
    assert len(bookings) == CLIENTS, "every booking, paid or not yet"
    assert paid_before <= set(payments), "every payment committed before the backup began"
    for client_id, status in bookings.items():
        # Each payment whole or not at all: paid booking, payment and payout together.
        assert (status == "paid") == (client_id in payments), (client_id, status)
    assert set(payments.values()) == payouts
    await _same_answers(app, restored_url, paid_before)


@on_sqlite
async def test_restore_refuses_a_database_in_use_and_a_backup_it_cannot_trust(app, session, tmp_path):
    await _twenty_bookings(app, session)
    live_url = app.settings.database_url
    archive = tmp_path / "one.zip"
    assert (await _python_m_bot("backup", str(archive), database_url=live_url, cwd=tmp_path))[0] == 0

    code, _, err = await _python_m_bot("restore", str(archive), database_url=live_url, cwd=tmp_path)
    assert code == 2 and "is in use: stop the bot" in err and "Traceback" not in err
    assert len((await _money(live_url))[0]) == CLIENTS, "the running bot's database is untouched"

    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(newer, "w") as changed:
        manifest = json.loads(old.read("manifest.json"))
        changed.writestr("manifest.json", json.dumps({**manifest, "schema": "9999"}))
        changed.writestr("bot.sqlite3", old.read("bot.sqlite3"))
    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'elsewhere' / 'bot.db'}"
    code, _, err = await _python_m_bot("restore", str(newer), database_url=elsewhere, cwd=tmp_path)
    assert code == 2 and "schema 9999 is unknown to this release" in err

    (tmp_path / "notes.txt").write_text("not a backup")
    code, _, err = await _python_m_bot("restore", str(tmp_path / "notes.txt"), database_url=elsewhere, cwd=tmp_path)
    assert code == 2 and "is not a backup made by `python -m bot backup`" in err
    assert not (tmp_path / "elsewhere" / "bot.db").exists()


@on_sqlite
async def test_restoring_over_a_stopped_bots_database_keeps_the_one_it_replaces(app, session, tmp_path):
    made = await _twenty_bookings(app, session)
    archive = tmp_path / "early.zip"
    assert (await _python_m_bot("backup", str(archive), database_url=app.settings.database_url, cwd=tmp_path))[0] == 0
    client, booking = made[0]
    await _pay(session, client, booking)
    stopped_url = app.settings.database_url
    await app.close()  # the bot stops; the fixture's close after it does nothing more

    code, out, err = await _python_m_bot("restore", str(archive), database_url=stopped_url, cwd=tmp_path)

    assert code == 0, err
    kept = Path(out.split("is kept as ")[1].split()[0].rstrip("."))
    assert kept.name.startswith("bot.db.before-restore-")
    assert (await _money(stopped_url))[1] == {}, "the backup's state: nobody had paid"
    assert (await _money(f"sqlite+aiosqlite:///{kept}"))[1] == {client.user_id: booking.id}, "the replaced one kept"


@on_sqlite
async def test_the_daily_backup_keeps_the_newest_copies_it_is_told_to(database_url, clock, tmp_path):
    folder = tmp_path / "daily"
    daily = build_app(make_settings(database_url, backup_dir=str(folder), backup_keep=2), clock=clock, session=RecordingSession())
    await daily.prepare()
    try:
        assert daily.backups is not None
        made = []
        for _ in range(3):
            made.append(await daily.backups.run_once())
            clock.advance(timedelta(days=1))
    finally:
        await daily.close()

    assert sorted(folder.iterdir()) == made[1:], "the oldest went"
    with zipfile.ZipFile(made[-1]) as packed:
        assert json.loads(packed.read("manifest.json"))["tables"]["users"] == 0


@on_postgresql
async def test_on_postgresql_pg_dump_taken_while_clients_pay_restores_with_pg_restore(app, session, tmp_path):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("PostgreSQL's client tools (pg_dump, pg_restore) are not installed")
    made = await _twenty_bookings(app, session)
    live = make_url(app.settings.database_url)
    dsn = live.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "bot.dump"

    code, _, err = await _python_m_bot("backup", str(dump), database_url=app.settings.database_url, cwd=tmp_path)
    assert code == 2 and "pg_dump --format=custom" in err, "the bot's command says how, on PostgreSQL"

    async def backup() -> None:
        process = await asyncio.create_subprocess_exec("pg_dump", "--format=custom", "--file", str(dump), dsn)
        assert await process.wait() == 0

    paid_before = await _pay_all_while(app, session, made, backup)

    copy = f"test_restored_{uuid.uuid4().hex[:8]}"
    admin = live.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    restored = live.set(database=copy)
    assert await (await asyncio.create_subprocess_exec("psql", admin, "-qc", f'CREATE DATABASE "{copy}"')).wait() == 0
    try:
        target = restored.set(drivername="postgresql").render_as_string(hide_password=False)
        process = await asyncio.create_subprocess_exec("pg_restore", "--no-owner", "--dbname", target, str(dump))
        assert await process.wait() == 0
        restored_url = restored.render_as_string(hide_password=False)
        bookings, payments, payouts = await _money(restored_url)
        assert len(bookings) == CLIENTS and paid_before <= set(payments)
        for client_id, status in bookings.items():
            assert (status == "paid") == (client_id in payments), (client_id, status)
        assert set(payments.values()) == payouts
        await _same_answers(app, restored_url, paid_before)
    finally:
        drop = await asyncio.create_subprocess_exec("psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        await drop.wait()

