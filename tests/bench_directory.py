"""Benchmark of the directory and of "Help me choose" (`make bench`; not collected by pytest).

`/find` and the directory's buttons go through the production dispatcher
(middlewares, a unit of work per update, the handler, the query, rendering)
with 10, 1,000 and 10,000 verified therapists in the same run, on SQLite and,
when DATABASE_URL names a PostgreSQL server, on PostgreSQL. "match" is a whole
match (core/usecases/matching.py: find_matches, its own unit of work and commit):
the SQL filter, the free-time search of what survives, the rule, keeping the
answers and recording the match. The sizes take turns round after round, so
that the load of a shared machine falls on all of them alike. Goal: 10,000
within 2 × of 10, and a page under 50 ms.

    python -m tests.bench_directory                     # 10, 1,000 and 10,000
    python -m tests.bench_directory --sizes 10 100000   # any sizes
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.app import App, build_app
from bot.keyboards.directory import Search
from bot.settings import Settings
from core.bookings import BookingStatus
from core.clock import ManualClock
from core.rules.matching import Answers, Window
from core.schedule import Vacation, WorkingHours
from core.therapists import APPROACHES, LANGUAGES, TOPICS, TherapistProfile
from core.usecases.matching import find_matches
from storage.db import is_sqlite
from storage.repositories.therapists import day_bounds, tags_of
from storage.tables import BookingRow, TherapistRow, TherapistTagRow, UserRow, VacationRow, WorkingHoursRow
from tests.bench import TOKEN, PostgresBench
from tests.support.bot_client import BotClient
from tests.support.keys import TEST_DATA_KEYS
from tests.support.recording_session import RecordingSession

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # a Tuesday morning in Kyiv
FIRST_THERAPIST = 20_000_000
READER = 19_999_999
ZONES = ("Europe/Kyiv", "Europe/Kyiv", "Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "America/New_York")
FIRST_NAMES = ("Iryna", "Oksana", "Taras", "Yulia", "Andrii", "Natalia", "Maksym", "Olha", "Bohdan", "Sofiia")
LAST_NAMES = ("Kovalenko", "Melnyk", "Bondar", "Savchenko", "Kravets", "Shevchuk", "Hnatyuk", "Tkachenko", "Lysenko")
ROUNDS = 15
# What a client answers: three topics, sessions in Ukrainian, weekday mornings or daytime in Kyiv.
MATCH_ANSWERS = Answers(
    topics=("anxiety", "burnout", "depression"), language="uk", windows=(Window.MORNINGS, Window.DAYTIME)
)
COLUMNS = ("/find", "topic filter", "page 2", "profile", "match")


def profiles(count: int) -> list[TherapistProfile]:
    """`count` verified therapists, varied as a real directory would be; the same ones on every run."""
    chance = random.Random(count)
    made = []
    for n in range(count):
        today = NOW.date()
        away = chance.random()
        vacations = (
            [Vacation(today - timedelta(days=2), today + timedelta(days=5))] if away < 0.04
            else [Vacation(today + timedelta(days=10), today + timedelta(days=20))] if away < 0.10
            else []
        )
        start = chance.choice((8, 9, 10, 12))
        made.append(
            TherapistProfile(
                telegram_id=FIRST_THERAPIST + n,
                full_name=f"{chance.choice(FIRST_NAMES)} {chance.choice(LAST_NAMES)}",
                about="I work with adults, online.",
                education="Psychology (MA).",
                experience_years=chance.randint(2, 25),
                price_minor=chance.randrange(80_000, 220_000, 5_000),
                timezone=chance.choice(ZONES),
                topics=chance.sample(TOPICS, 3),
                approaches=chance.sample(APPROACHES, chance.randint(1, 2)),
                languages=["uk", *chance.sample([code for code in LANGUAGES if code != "uk"], chance.randint(0, 2))],
                share_code=f"b{n}",
                verified=True,
                accepting_clients=chance.random() > 0.05,
                hours=[WorkingHours(day, wall_time(start), wall_time(start + 6)) for day in chance.sample(range(6), 4)],
                vacations=vacations,
            )
        )
    return made


async def fill(app: App, count: int) -> None:
    """Bulk rows, as the repository would write them (tags, vacation bounds), and booked first days."""
    therapists = profiles(count)
    person = {"locale": "uk", "timezone": "Europe/Kyiv", "timezone_chosen": True, "reachable": True, "created_at": NOW}
    async with app.engine.begin() as connection:
        await connection.execute(
            insert(UserRow),
            [{"telegram_id": READER, "first_name": "Reader", **person}]
            + [{"telegram_id": t.telegram_id, "first_name": t.full_name.split()[0], **person} for t in therapists],
        )
        await connection.execute(
            insert(TherapistRow),
            [
                {
                    "telegram_id": t.telegram_id, "full_name": t.full_name, "about": t.about, "education": t.education,
                    "experience_years": t.experience_years, "price_minor": t.price_minor, "timezone": t.timezone,
                    "topics": t.topics, "approaches": t.approaches, "languages": t.languages, "share_code": t.share_code,
                    "verified": t.verified, "accepting_clients": t.accepting_clients, "hidden": False,
                    "published_at": NOW, "extra": {},
                }
                for t in therapists
            ],
        )
        await connection.execute(
            insert(WorkingHoursRow),
            [{"therapist_id": t.telegram_id, "weekday": h.weekday, "start": h.start, "end": h.end} for t in therapists for h in t.hours],
        )
        await connection.execute(
            insert(TherapistTagRow),
            [{"therapist_id": t.telegram_id, "kind": kind, "code": code} for t in therapists for kind, code in tags_of(t)],
        )
        vacations = [
            {"therapist_id": t.telegram_id, "first_day": v.first_day, "last_day": v.last_day,
             "hidden_from": bounds[0], "hidden_until": bounds[1]}
            for t in therapists for v in t.vacations
            for bounds in [day_bounds(v.first_day, v.last_day, t.timezone)]
        ]
        if vacations:
            await connection.execute(insert(VacationRow), vacations)
        # Everyone's first two days are partly booked: the nearest free time has to look past bookings.
        starts = [NOW.replace(hour=h) + timedelta(days=d) for d in (2, 3) for h in range(6, 16)]
        await connection.execute(
            insert(BookingRow),
            [
                {"client_id": READER, "therapist_id": t.telegram_id, "starts_at": start, "ends_at": start + timedelta(minutes=50),
                 "price_minor": t.price_minor, "status": BookingStatus.PAID.value, "created_at": NOW, "version": 1}
                for t in therapists for start in starts[::3]
            ],
        )
    if not is_sqlite(app.settings.database_url):
        # What autovacuum does a while after a bulk load: statistics for the planner, the visibility map.
        async with app.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("VACUUM ANALYZE")


class Directory:
    """One database of `size` therapists and the production dispatcher in front of it."""

    def __init__(self, size: int, database_url: str) -> None:
        self.size = size
        self.session = RecordingSession()
        settings = Settings(_env_file=None, bot_token=TOKEN, data_keys=TEST_DATA_KEYS, database_url=database_url)
        self.app = build_app(settings, clock=ManualClock(NOW), session=self.session)
        self.reader = BotClient(self.app, self.session, user_id=READER, first_name="Reader")
        self.timings: dict[str, list[float]] = {name: [] for name in COLUMNS}

    async def open(self) -> None:
        await self.app.prepare()
        await fill(self.app, self.size)

    async def round(self) -> None:
        await self._timed("/find", lambda: self.reader.send("/find"))
        await self._timed("topic filter", lambda: self.reader.press(Search(topic="anxiety").pack()))
        await self._timed("page 2", lambda: self.reader.press(Search(language="en", page=1).pack()))
        await self._timed("profile", lambda: self.reader.press(f"tp:{FIRST_THERAPIST}"))
        await self._timed("match", self._match)

    async def _match(self) -> list[object]:
        async with self.app.unit_of_work() as uow:
            result = await find_matches(
                uow, self.app.clock, client_id=READER, answers=MATCH_ANSWERS, zone="Europe/Kyiv",
                policy=self.app.settings.booking_policy(),
            )
        assert len(result.matches) == 3, f"{self.size}: {len(result.matches)} matches"
        return list(result.matches)

    async def _timed(self, name: str, action: Callable[[], Awaitable[object]]) -> None:
        started = time.perf_counter()
        replies = await action()
        self.timings[name].append((time.perf_counter() - started) * 1000)
        assert replies, f"{name}: the bot did not answer"

    async def found(self) -> int:
        """How many /find reports: everyone listed."""
        text = BotClient.texts_of(await self.reader.send("/find"))[0]
        return int(text.split("Знайдено: ")[1].split("\n")[0]) if "Знайдено: " in text else 0

    async def close(self) -> None:
        await self.app.close()


async def measure(database: str, urls: list[str], sizes: list[int]) -> list[dict[str, Any]]:
    directories = [Directory(size, url) for size, url in zip(sizes, urls, strict=True)]
    try:
        for directory in directories:
            started = time.monotonic()
            await directory.open()
            print(f"  {database}: {directory.size:,} therapists written in {time.monotonic() - started:.0f} s", flush=True)
        for directory in directories:  # warm: the first update of a process compiles and caches
            await directory.round()
            directory.timings = {name: [] for name in directory.timings}
        for _ in range(ROUNDS):
            for directory in directories:
                await directory.round()
        return [
            {"database": database, "size": d.size, "found": await d.found(),
             **{name: statistics.median(values) for name, values in d.timings.items()}}
            for d in directories
        ]
    finally:
        for directory in directories:
            await directory.close()


Measure = Callable[[str, list[str], list[int]], Awaitable[list[dict[str, Any]]]]


async def on_each_database(measure: Measure, name: str, sizes: list[int]) -> list[dict[str, Any]]:
    """Each size on a SQLite file of its own, then, with DATABASE_URL set to PostgreSQL, on a database of its own there."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite+aiosqlite:///{Path(folder) / f'{name}-{size}.db'}" for size in sizes]
        results += await measure("SQLite", urls, sizes)
    server = os.environ.get("DATABASE_URL", "")
    if server and not is_sqlite(server):
        benches = [PostgresBench(server, suffix=f"{name}_{size}") for size in sizes]
        urls = [await bench.__aenter__() for bench in benches]
        try:
            results += await measure("PostgreSQL", urls, sizes)
        finally:
            for bench in benches:
                await bench.__aexit__(None, None, None)
    return results


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_directory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    args = parser.parse_args(argv)
    results = await on_each_database(measure, "directory", args.sizes)
    load = os.getloadavg()
    print(f"directory through the dispatcher, median of {ROUNDS} rounds, ms per update (load average {load[0]:.1f}):")
    for result in results:
        base = next(r for r in results if r["database"] == result["database"] and r["size"] == min(args.sizes))
        print(
            f"  {result['database']:<10} {result['size']:>7,} therapists (listed {result['found']:>6,}): "
            + ", ".join(f"{name} {result[name]:.1f} ({result[name] / base[name]:.2f}×)" for name in COLUMNS)
        )


if __name__ == "__main__":
    asyncio.run(main())
