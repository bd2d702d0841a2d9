"""Benchmarks of timed-message delivery (`make bench`; not collected by pytest).

1. Delivery rate: messages due at once to many chats go through the real
   delivery path (bot processes of their own, each with its courier, rendering
   and a real aiogram Bot over HTTP) to the local Bot API server, which answers
   429 past 30 messages a second overall or 1 a second per chat. One process on
   SQLite; with DATABASE_URL (PostgreSQL) and REDIS_URL set, one process and
   then two sharing that database and Redis. Reported: the rate the server saw
   against the limit (goal: at least 95 % of it, together), how many 429s it
   answered (goal: none) and how many messages it got twice (goal: none).
2. The cost of one claim tick (claim what is due, commit, find the next due
   time) with 10,000 and 1,000,000 pending messages, most of them not yet due
   (goal: at most 10 ms), on SQLite and, when DATABASE_URL names one, on
   PostgreSQL.

    python -m tests.bench                               # scaled: 3,000 messages to 600 chats
    python -m tests.bench --messages 10000 --chats 2000 # the full run (about 6 minutes)
    python -m tests.bench --skip-delivery               # only the claim ticks
    python -m tests.bench --processes 2 --skip-claims   # two replicas only (PostgreSQL + Redis)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.settings import Settings
from core.notices import NoticeStatus
from playground.bot_api import FakeTelegram
from storage.db import create_engine, is_sqlite, session_factory
from storage.migrate import upgrade_to_head
from storage.tables import TimedMessageRow, UserRow
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_DATA_KEYS, TEST_RING

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz012345"
GLOBAL_LIMIT = 30
PER_CHAT_LIMIT = 1
FIRST_CHAT = 10_000_000
TICKS = 50
DUE_PER_TICK = 100
WINDOW = 120  # what the courier claims at most, at the default 30 messages a second


class BenchNotice(NoticeKind):
    """The benchmark's own kind: one short text, so that delivery, not rendering, is measured."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        return [Text(f"Benchmark notice {context.params['n']}")]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


# -- 1. delivery rate ---------------------------------------------------------------


def serve_fake_telegram(connection: Connection) -> None:
    """In a process of its own, as Telegram is elsewhere: its work does not slow the bot down."""

    async def serve() -> None:
        async with FakeTelegram() as fake:
            fake.enforce_limits(global_per_second=GLOBAL_LIMIT, per_chat_per_second=PER_CHAT_LIMIT)
            connection.send(fake.base_url)
            await asyncio.to_thread(connection.recv)  # until the benchmark is done
            sent = fake.calls("sendMessage", ok=True)
            texts = [call.params.get("text") for call in sent]
            connection.send(
                {"sent": len(sent), "distinct": len(set(texts)), "span": sent[-1].at - sent[0].at,
                 "too_many_requests": fake.too_many_requests_count}
            )

    asyncio.run(serve())


def bench_settings(database_url: str, redis_url: str | None, base_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        data_keys=TEST_DATA_KEYS,
        redis_url=redis_url,
        telegram_api_base=base_url,
        delivery_rate_per_second=GLOBAL_LIMIT,
        delivery_rate_per_chat_seconds=1 / PER_CHAT_LIMIT,
    )


def run_bot(database_url: str, redis_url: str | None, base_url: str, connection: Connection) -> None:
    """One bot process: its own app and courier, sending until told to stop."""

    async def run() -> None:
        app = build_app(bench_settings(database_url, redis_url, base_url))
        app.delivery.kinds["bench"] = BenchNotice()
        connection.send("ready")
        await asyncio.to_thread(connection.recv)  # go
        await app.courier.start()
        await asyncio.to_thread(connection.recv)  # stop
        await app.courier.stop()
        await app.close()
        connection.send("stopped")

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run())


async def delivery_rate(
    database_url: str, redis_url: str | None, messages: int, chats: int, processes: int
) -> dict[str, float]:
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    server = spawn.Process(target=serve_fake_telegram, args=(theirs,), daemon=True)
    server.start()
    bots: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    try:
        base_url = await asyncio.to_thread(ours.recv)
        app = build_app(bench_settings(database_url, redis_url, base_url))
        await app.prepare()
        await _queue(app, messages, chats)
        for _ in range(processes):
            mine, its = spawn.Pipe()
            bot = spawn.Process(target=run_bot, args=(database_url, redis_url, base_url, its), daemon=True)
            bot.start()
            bots.append((bot, mine))
        for _, connection in bots:
            await asyncio.to_thread(connection.recv)  # ready
        started = time.monotonic()
        for _, connection in bots:
            connection.send("go")
        # Counted twice a second: asking more often would take the bots' time.
        while await _sent(app) < messages:  # noqa: ASYNC110
            await asyncio.sleep(0.5)
        finished = time.monotonic()
        for _, connection in bots:
            connection.send("stop")
        for _, connection in bots:
            await asyncio.to_thread(connection.recv)
        await app.close()
        ours.send("done")
        served = await asyncio.to_thread(ours.recv)
    finally:
        for process, _ in bots:
            process.join(timeout=15)
        server.join(timeout=10)
    rate = (served["sent"] - 1) / served["span"]
    return {
        "processes": processes,
        "messages": messages,
        "chats": chats,
        "seconds": finished - started,
        "rate": rate,
        "of_limit": rate / GLOBAL_LIMIT,
        "too_many_requests": served["too_many_requests"],
        "sent": served["sent"],
        "doubles": served["sent"] - served["distinct"],
    }


async def _queue(app: App, messages: int, chats: int) -> None:
    """The readers, and `messages` due at once, round the chats, as broadcasts queued one after another."""
    now = datetime.now(UTC)
    async with app.engine.begin() as connection:
        await connection.execute(
            insert(UserRow),
            [
                {"telegram_id": FIRST_CHAT + chat, "first_name": "Reader", "locale": "uk",
                 "timezone": "Europe/Kyiv", "timezone_chosen": False, "reachable": True, "created_at": now}
                for chat in range(chats)
            ],
        )
        await connection.execute(
            insert(TimedMessageRow),
            [
                {"kind": "bench", "recipient_id": FIRST_CHAT + n % chats, "due_at": now, "dedup_key": f"bench:{n}",
                 "params": {"n": n}, "status": NoticeStatus.PENDING.value, "attempts": 0, "parts_sent": 0,
                 "created_at": now}
                for n in range(messages)
            ],
        )


async def _sent(app: App) -> int:
    async with app.sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(TimedMessageRow).where(TimedMessageRow.status == NoticeStatus.SENT.value)
        ) or 0


async def delivery_benchmarks(messages: int, chats: int, processes: list[int]) -> list[dict[str, object]]:
    """On SQLite with one process; on PostgreSQL + Redis (when both are named) with each number of processes."""
    server, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL") or None
    runs: list[dict[str, object]] = []
    if not (server and not is_sqlite(server) and redis_url):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'delivery.db'}"
            runs.append({"database": "SQLite", **await delivery_rate(url, None, messages, chats, 1)})
        return runs
    for count in processes:
        async with PostgresBench(server, suffix=f"delivery_{count}") as url:
            runs.append({"database": "PostgreSQL + Redis", **await delivery_rate(url, redis_url, messages, chats, count)})
    return runs


# -- 2. claim ticks -----------------------------------------------------------------


def _rows(pending: int, now: datetime) -> list[tuple]:
    """`pending` waiting messages spread over the next 30 days; none due yet."""
    spread = 30 * 24 * 3600
    return [
        (f"bench-{n % 7}", FIRST_CHAT + n % 5000, now + timedelta(seconds=60 + n * spread // pending), f"pending:{n}", "{}",
         NoticeStatus.PENDING.value, 0, 0, now)
        for n in range(pending)
    ]


COLUMNS = ("kind", "recipient_id", "due_at", "dedup_key", "params", "status", "attempts", "parts_sent", "created_at")


async def fill_sqlite(path: Path, pending: int, now: datetime) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}", keys=TEST_RING)
    await upgrade_to_head(engine)
    await engine.dispose()
    # The standard library's executemany: the quickest way to a million rows.
    with sqlite3.connect(path) as connection:
        rows = [(*row[:2], _sqlite_time(row[2]), *row[3:8], _sqlite_time(now)) for row in _rows(pending, now)]
        connection.executemany(
            f"INSERT INTO timed_messages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows
        )
        connection.execute("ANALYZE")
        connection.commit()
        # A running bot's write-ahead log stays small; a million rows written at once would not.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _sqlite_time(moment: datetime) -> str:
    """As SQLAlchemy stores it on SQLite (naive UTC, always with microseconds): compared as text."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


async def fill_postgresql(url: str, pending: int, now: datetime) -> None:
    import asyncpg

    engine = create_engine(url, keys=TEST_RING)
    await upgrade_to_head(engine)
    await engine.dispose()
    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await connection.execute("TRUNCATE timed_messages")  # the benchmark's own database, from the size before
        await connection.copy_records_to_table("timed_messages", records=_rows(pending, now), columns=list(COLUMNS))
        await connection.execute("ANALYZE timed_messages")
    finally:
        await connection.close()


async def claim_ticks(url: str, now: datetime) -> dict[str, float]:
    """Milliseconds per tick (median and 95th percentile): idle, and with messages due."""
    engine = create_engine(url, keys=TEST_RING)
    sessions = session_factory(engine)
    try:
        idle = [await _tick(sessions, now, due=0) for _ in range(TICKS)]
        busy = [await _tick(sessions, now, due=DUE_PER_TICK) for _ in range(TICKS)]
    finally:
        await engine.dispose()
    return {
        "idle_median": statistics.median(idle),
        "idle_p95": _p95(idle),
        "busy_median": statistics.median(busy),
        "busy_p95": _p95(busy),
    }


async def _tick(sessions, now: datetime, *, due: int) -> float:
    if due:
        async with SqlUnitOfWork(sessions) as uow:
            for n in range(due):
                row = {"kind": "bench", "recipient_id": FIRST_CHAT + n, "due_at": now - timedelta(seconds=1),
                       "dedup_key": f"due:{time.monotonic_ns()}:{n}", "params": {}, "status": NoticeStatus.PENDING.value,
                       "attempts": 0, "parts_sent": 0, "created_at": now}
                uow.session.add(TimedMessageRow(**row))
            await uow.commit()
    started = time.perf_counter()
    # What the courier does when woken (scheduler/courier.py): claim what is due and when to wake next, commit.
    async with SqlUnitOfWork(sessions) as uow:
        claimed, _ = await uow.timed_messages.claim(now, "bench", now + timedelta(minutes=1), WINDOW)
        await uow.commit()
    elapsed = (time.perf_counter() - started) * 1000
    assert len(claimed) == due, (len(claimed), due)
    if claimed:
        async with SqlUnitOfWork(sessions) as uow:
            for message in claimed:
                await uow.timed_messages.mark_sent(message.id, "bench", now)
            await uow.commit()
    return elapsed


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


async def claim_benchmarks(sizes: list[int], postgresql: str | None) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    now = datetime.now(UTC)
    for pending in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            started = time.monotonic()
            await fill_sqlite(path, pending, now)
            filled = time.monotonic() - started
            results.append({"database": "SQLite", "pending": pending, "fill_seconds": filled,
                            **await claim_ticks(f"sqlite+aiosqlite:///{path}", now)})
        if postgresql:
            started = time.monotonic()
            await fill_postgresql(postgresql, pending, now)
            filled = time.monotonic() - started
            results.append({"database": "PostgreSQL", "pending": pending, "fill_seconds": filled,
                            **await claim_ticks(postgresql, now)})
    return results


# -- running ------------------------------------------------------------------------


class PostgresBench:
    """A database of the benchmark's own on the server DATABASE_URL names, dropped at the end."""

    def __init__(self, server_url: str, suffix: str = "") -> None:
        base = make_url(server_url)
        self._admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
        self.name = f"bench_{os.getpid()}{'_' + suffix if suffix else ''}"
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    async def __aenter__(self) -> str:
        await self._admin_execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    async def __aexit__(self, *exc_info: object) -> None:
        await self._admin_execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def _admin_execute(self, statement: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(self._admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=600)
    parser.add_argument("--pending", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1, 2],
        help="bot processes sharing the delivery (more than one needs DATABASE_URL and REDIS_URL)",
    )
    parser.add_argument("--skip-delivery", action="store_true")
    parser.add_argument("--skip-claims", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    figures: dict[str, object] = {}

    if not args.skip_delivery:
        runs = await delivery_benchmarks(args.messages, args.chats, args.processes)
        figures["delivery"] = runs
        load = os.getloadavg()
        for run in runs:
            print(
                f"delivery, {run['database']}, {run['processes']} process(es): {run['messages']:,} messages due at once "
                f"to {run['chats']:,} chats, delivered in {run['seconds']:.1f} s at {run['rate']:.2f} messages/s = "
                f"{run['of_limit']:.1%} of the {GLOBAL_LIMIT}/s limit; 429 answers: {run['too_many_requests']}; "
                f"sent {run['sent']:,}, twice: {run['doubles']} (load average {load[0]:.1f})"
            )
    if not args.skip_claims:
        server = os.environ.get("DATABASE_URL", "")
        if server and not is_sqlite(server):
            async with PostgresBench(server) as postgresql:
                ticks = await claim_benchmarks(args.pending, postgresql)
        else:
            ticks = await claim_benchmarks(args.pending, None)
        figures["claim_ticks"] = ticks
        for tick in ticks:
            print(
                f"claim tick, {tick['database']}, {tick['pending']:,} pending (filled in {tick['fill_seconds']:.0f} s): "
                f"idle {tick['idle_median']:.2f} ms (p95 {tick['idle_p95']:.2f}), "
                f"claiming {DUE_PER_TICK} due {tick['busy_median']:.2f} ms (p95 {tick['busy_p95']:.2f})"
            )
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
