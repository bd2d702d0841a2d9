"""Benchmark of the update path (`make bench`; not collected by pytest).

The booking walk (/find, the therapist, «Choose a time», a day, a time, «Book», a topic, «Done», «Skip», a
name) through the production app in process, on SQLite: each update stored in the inbox and fed to the
dispatcher by the feeder, as polling does. Beside it, in the same run, an echo bot whose one handler opens the bot's unit of work,
writes one row and commits: the cost of durably keeping an update. Both are run a few times, alternately,
and the medians reported. Then the walk with 50 clients at once, through the inbox and the feeder too
(a failed try, "database is locked" among them, stops the benchmark): with no pause between steps (a
closed loop: on one process the answer time is mostly the queue of the others' updates) and at a person's
pace (a pause of 2 to 8 s before each step). Reported: updates a second one client at a time, both; p50 and
p95 of an update's answer next to the one-at-a-time p50; SQL statements and transactions per step.

    python -m tests.bench_updates                 # 3 × 20 walks one at a time, then 50 at once, twice
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from aiogram import Dispatcher
from aiogram.types import Message
from sqlalchemy import event, func, select

from bot.app import App, build_app
from bot.settings import Settings
from core.clock import ManualClock
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.users import Role, User
from storage.encryption import KeyRing
from storage.inbox import Kept, keep
from storage.tables import InboxUpdateRow
from storage.uow import SqlUnitOfWork
from tests.bench import TOKEN
from tests.conftest import START
from tests.support.bot_client import BotClient, InboxBotClient, Reply
from tests.support.keys import TEST_DATA_KEYS
from tests.support.recording_session import RecordingSession

IRYNA = 2001
FIRST_CLIENT = 100_000
DAY_BUTTON = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2}$")
TIME_BUTTON = re.compile(r"^\d\d:\d\d$")
PACE = (2.0, 8.0)  # seconds a person takes to read an answer and tap the next button


class CrowdClient(BotClient):
    """One of many at once: its update kept in the inbox and handled by the feeder; it waits for that one only."""

    async def feed(self, payload: dict[str, Any], update_id: int | None = None) -> list[Reply]:
        update = {"update_id": update_id if update_id is not None else next_update_id(), **payload}
        self.last_update = update
        before = len(self.session.calls)
        handled = asyncio.get_running_loop().create_future()
        _awaited[update["update_id"]] = handled
        await self.app.inbox.keep([update])
        await handled
        return [Reply(m, r) for m, r in zip(self.session.calls[before:], self.session.results[before:], strict=True)]


_awaited: dict[int, asyncio.Future[None]] = {}


def tell_when_handled(app: App) -> None:
    """The feeder says when each update is done (its own API has only "all are done")."""
    handle = app.inbox._handle

    async def handled(entry: Kept) -> None:
        await handle(entry)
        _awaited.pop(entry.update_id).set_result(None)

    app.inbox._handle = handled  # type: ignore[method-assign]  # the bench's own hook


_ids = iter(range(900_000_000, 2_000_000_000))


def next_update_id() -> int:
    return next(_ids)


STEPS = ("/find", "profile", "choose a time", "day", "time", "book", "a topic", "done", "no note", "a name")


class Counts:
    """SQL statements and transactions the engine ran, by step of the walk."""

    def __init__(self, app: App) -> None:
        self.statements = self.transactions = 0
        self.by_step: dict[str, list[float]] = {step: [0, 0, 0, 0.0] for step in STEPS}  # statements, transactions, updates, s
        engine = app.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._transaction)

    def _statement(self, *args: object) -> None:
        self.statements += 1

    def _transaction(self, *args: object) -> None:
        self.transactions += 1

    def step(self, name: str, statements: int, transactions: int, seconds: float) -> None:
        figures = self.by_step[name]
        figures[0] += self.statements - statements
        figures[1] += self.transactions - transactions
        figures[2] += 1
        figures[3] += seconds


class Sealing:
    """Time spent sealing and opening confided values (storage/encryption.py) while it is installed; apart, the
    share of the updates themselves, sealed in the inbox until handled (a document that begins with its update_id)."""

    def __init__(self) -> None:
        self.seconds = self.inbox_seconds = 0.0
        self.seals = self.opens = 0
        self.inbox_calls: list[float] = []
        self._originals = (KeyRing.seal, KeyRing.open)
        seal, open_ = self._originals

        def timed_seal(ring: KeyRing, plain: bytes) -> str:
            started = time.perf_counter()
            try:
                return seal(ring, plain)
            finally:
                self._count(time.perf_counter() - started, plain)
                self.seals += 1

        def timed_open(ring: KeyRing, value: str) -> bytes:
            started = time.perf_counter()
            plain = b""
            try:
                plain = open_(ring, value)
                return plain
            finally:
                self._count(time.perf_counter() - started, plain)
                self.opens += 1

        KeyRing.seal, KeyRing.open = timed_seal, timed_open  # type: ignore[method-assign,assignment]  # the probe

    def remove(self) -> None:
        KeyRing.seal, KeyRing.open = self._originals  # type: ignore[method-assign]

    def _count(self, seconds: float, plain: bytes) -> None:
        self.seconds += seconds
        if plain.startswith(b'{"update_id":'):
            self.inbox_seconds += seconds
            self.inbox_calls.append(seconds)


async def scene(app: App, clients: int) -> None:
    async with app.unit_of_work() as uow:
        await uow.users.add(User(IRYNA, "Iryna", "uk", "Europe/Kyiv", START, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True))
        await uow.therapists.add(TherapistProfile(
            telegram_id=IRYNA, full_name="Iryna Kovalenko", timezone="Europe/Kyiv", about="Anxiety and grief.",
            education="KNU, MA", experience_years=8, price_minor=120_000, topics=["anxiety"], approaches=["cbt"],
            languages=["uk", "en"], share_code="iryna", verified=True,
            hours=[WorkingHours(day, wall_time(10), wall_time(18)) for day in range(5)],
        ))
        for number in range(clients):
            await uow.users.add(User(FIRST_CLIENT + number, f"Client {number}", "en", "Europe/Kyiv", START, roles={Role.CLIENT}, timezone_chosen=True))
        await uow.commit()


async def walk(
    client: BotClient,
    number: int,
    timings: list[float] | None = None,
    *,
    counts: Counts | None = None,
    pause: tuple[float, float] | None = None,
) -> int:
    """The booking walk, spread over the days shown; returns how many updates it sent."""
    names = iter(STEPS)

    async def timed(step: Any) -> list[Reply]:
        if pause is not None:
            await asyncio.sleep(random.uniform(*pause))
        before = (counts.statements, counts.transactions) if counts else (0, 0)
        started = time.perf_counter()
        replies = await step
        took = time.perf_counter() - started
        if timings is not None:
            timings.append(took)
        if counts is not None:
            counts.step(next(names), *before, took)
        return replies

    await timed(client.send("/find"))
    await timed(client.click("Iryna Kovalenko · ₴1,200"))
    days = [b for b in buttons(client, await timed(client.click("📅 Choose a time"))) if DAY_BUTTON.match(b)]
    times = [b for b in buttons(client, await timed(client.click(days[number % len(days)]))) if TIME_BUTTON.match(b)]
    await timed(client.click(times[(number // len(days)) % len(times)]))
    sent = 5
    # «Book», then the first request's steps: a topic, «Done», no note, the Telegram name for therapists
    steps = ("✅ Book", "Anxiety", "✔️ Done", "Skip", f"Show my Telegram name: {client.first_name}")
    for step in steps:
        try:
            await timed(client.click(step))
        except AssertionError:  # with clients at once, the time was taken before this one saw it: told so
            return sent
        sent += 1
    return sent


def buttons(client: BotClient, replies: list[Reply]) -> list[str]:
    """The buttons of the client's own answers (with clients at once, others' are among the calls too)."""
    return [b for r in replies if getattr(r.method, "chat_id", None) == client.user_id for b in r.buttons]


def booking_app(folder: Path, name: str) -> tuple[App, RecordingSession]:
    session = RecordingSession()
    settings = Settings(
        _env_file=None, bot_token=TOKEN, data_keys=TEST_DATA_KEYS, database_url=f"sqlite+aiosqlite:///{folder / name}"
    )
    return build_app(settings, clock=ManualClock(START), session=session), session


async def walks_one_at_a_time(folder: Path, count: int) -> dict[str, Any]:
    app, session = booking_app(folder, "walk.db")
    await app.prepare()
    try:
        await scene(app, count + 1)
        await walk(InboxBotClient(app, session, FIRST_CLIENT + count, "Warm", language_code="en"), 0)  # the first compiles and caches
        counts = Counts(app)
        updates = 0
        timings: list[float] = []
        sealing = Sealing()
        started = time.perf_counter()
        try:
            for number in range(count):
                client = InboxBotClient(app, session, FIRST_CLIENT + number, f"Client {number}", language_code="en")
                updates += await walk(client, number, timings, counts=counts)
        finally:
            sealing.remove()
        elapsed = time.perf_counter() - started
        return {
            "sealing_us": sealing.seconds * 1e6 / updates, "seals": sealing.seals / updates, "opens": sealing.opens / updates,
            "inbox_sealing_us": sealing.inbox_seconds * 1e6 / updates,
            # A mean over calls is a few calls that waited for the interpreter's lock (aiosqlite's thread holds it
            # between statements) plus many that did not: the median call says what sealing itself costs.
            "inbox_call_us": statistics.median(sealing.inbox_calls) * 1e6 if sealing.inbox_calls else 0.0,
            "inbox_slow_calls": sum(call > 0.001 for call in sealing.inbox_calls) / max(len(sealing.inbox_calls), 1),
            "per_second": updates / elapsed, "p50_ms": statistics.median(timings) * 1000,
            "statements": counts.statements / updates, "transactions": counts.transactions / updates,
            "by_step": {step: (s / n, t / n, ms * 1000 / n) for step, (s, t, n, ms) in counts.by_step.items() if n},
        }
    finally:
        await app.close()


async def walks_at_once(folder: Path, count: int, name: str, pause: tuple[float, float] | None) -> dict[str, float]:
    app, session = booking_app(folder, name)
    tell_when_handled(app)
    await app.prepare()
    try:
        await scene(app, count)
        timings: list[float] = []
        clients = [CrowdClient(app, session, FIRST_CLIENT + n, f"Client {n}", language_code="en") for n in range(count)]
        started = time.perf_counter()
        await asyncio.gather(*(walk(client, n, timings, pause=pause) for n, client in enumerate(clients)))
        elapsed = time.perf_counter() - started
        async with app.sessions() as db:
            failed = await db.scalar(select(func.count()).where(InboxUpdateRow.attempts > 0))
        assert not failed, f"{failed} update(s) failed a try"  # "database is locked" among them
        quantiles = statistics.quantiles(timings, n=20)
        return {
            "p50_ms": statistics.median(timings) * 1000, "p95_ms": quantiles[18] * 1000,
            "mean_ms": statistics.fmean(timings) * 1000, "per_second": len(timings) / elapsed,
        }
    finally:
        await app.close()


async def echo_baseline(folder: Path, updates: int) -> float:
    """Updates a second of an echo bot that keeps each update: its unit of work, one row, commit."""
    app, _ = booking_app(folder, "echo.db")
    await app.prepare()
    dispatcher = Dispatcher()

    async def echo(message: Message) -> None:
        async with SqlUnitOfWork(app.sessions) as uow:
            await keep(uow.session, [Kept(message.message_id, message.chat.id, {"update_id": message.message_id})], app.clock.now())
            await uow.commit()
        await message.answer(message.text or "")

    dispatcher.message.register(echo)
    try:
        started = time.perf_counter()
        for number in range(updates):
            await dispatcher.feed_raw_update(app.bot, {
                "update_id": number + 1,
                "message": {"message_id": number + 1, "date": 1_764_000_000, "text": f"echo {number}",
                            "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": False, "first_name": "E"}},
            })
        return updates / (time.perf_counter() - started)
    finally:
        await app.close()


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--crowd", type=int, default=50)
    args = parser.parse_args(argv)
    random.seed(10)
    walks: list[dict[str, Any]] = []
    echoes: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            (run := Path(folder) / str(repeat)).mkdir()
            walks.append(await walks_one_at_a_time(run, args.walks))
            echoes.append(await echo_baseline(run, args.walks * len(STEPS)))
        crowd = await walks_at_once(Path(folder), args.crowd, "crowd.db", None)
        paced = await walks_at_once(Path(folder), args.crowd, "paced.db", PACE)
    per_second = statistics.median(w["per_second"] for w in walks)
    p50 = statistics.median(w["p50_ms"] for w in walks)
    echo = statistics.median(echoes)
    figures = walks[len(walks) // 2]
    print(f"Update path (SQLite, in process; medians of {args.repeats} runs):")
    print(f"  booking walk, one client at a time: {per_second:.0f} updates/s (p50 {p50:.1f} ms)")
    print(f"  echo bot keeping each update (same run): {echo:.0f} updates/s")
    print(f"  walk / echo: {per_second / echo:.1%} (goal: at least 50 %)")
    for label, result in ((f"{args.crowd} clients at once, no pause", crowd), (f"{args.crowd} clients at a person's pace", paced)):
        print(f"  {label}: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms "
              f"(p95 / one-at-a-time p50: {result['p95_ms'] / p50:.1f} ×; goal: at most 5 ×), "
              f"mean {result['mean_ms']:.0f} ms, {result['per_second']:.0f} updates/s")
    sealing_us = statistics.median(w["sealing_us"] for w in walks)
    inbox_us = statistics.median(w["inbox_sealing_us"] for w in walks)
    print(f"  sealing and opening what people confide (AES-GCM, DATA_KEYS): {sealing_us:.0f} µs an update "
          f"({figures['seals']:.1f} seals, {figures['opens']:.1f} opens), {sealing_us / 1000 / p50:.2%} of the p50; "
          f"of it the update itself, sealed in the inbox until handled: {inbox_us:.0f} µs "
          f"(its median call {statistics.median(w['inbox_call_us'] for w in walks):.1f} µs; "
          f"{statistics.median(w['inbox_slow_calls'] for w in walks):.1%} of its calls over 1 ms)")
    print(f"  per update of the walk: {figures['statements']:.1f} SQL statements, {figures['transactions']:.1f} transactions "
          "(one of them stores the update in the inbox)")
    for step, (statements, transactions, ms) in figures["by_step"].items():
        print(f"    {step:<14} {statements:5.1f} statements, {transactions:.1f} transactions, {ms:5.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
