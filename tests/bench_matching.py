"""Benchmark of «🧭 Help me choose» in the chat (`make bench`; not collected by pytest).

A client's five answers go through the production dispatcher (middlewares, a unit of work per update,
the conversation's step, rendering) with 10, 1,000 and 10,000 verified therapists in the same run, on
SQLite and, when DATABASE_URL names a PostgreSQL server, on PostgreSQL. "question" is a tick on the
first question (the conversation's own cost); "matches" is the last answer: the match found
(core/usecases/matching.py: SQL filter, the free-time search of what survives, the rule, the answers kept
and the match recorded) and the three therapists rendered with their reasons and times. The sizes take
turns round after round, so that the load of a shared machine falls on all of them alike.
Goal: 10,000 within 2 × of 10.

    python -m tests.bench_matching                     # 10, 1,000 and 10,000
    python -m tests.bench_matching --sizes 10 100000   # any sizes
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from bot.app import build_app
from bot.keyboards.matching import MatchApproach, MatchLanguage, MatchNext, MatchPrice, MatchTopic, MatchWindow
from bot.settings import Settings
from core.clock import ManualClock
from core.rules.matching import Question, Window
from tests.bench import TOKEN
from tests.bench_directory import NOW, READER, fill, on_each_database
from tests.support.bot_client import BotClient, Reply
from tests.support.keys import TEST_DATA_KEYS
from tests.support.recording_session import RecordingSession

ROUNDS = 15
COLUMNS = ("question", "matches")
# The reader's answers, as tests.bench_directory's MATCH_ANSWERS: three topics, Ukrainian, weekday mornings or daytime.
TOPICS = ("anxiety", "burnout", "depression")


class Chat:
    """One database of `size` therapists, the production dispatcher, and a client answering in front of it."""

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
        [asked] = [reply for reply in await self.reader.send("/match") if reply.text]
        round_ = int(asked.markup.inline_keyboard[0][0].callback_data.split(":")[1])  # type: ignore[union-attr]
        await self._press(asked, MatchTopic(round=round_, topic=TOPICS[0]).pack(), timed="question")
        for topic in TOPICS[1:]:
            await self._press(asked, MatchTopic(round=round_, topic=topic).pack())
        await self._press(asked, MatchNext(round=round_, question=Question.TOPICS).pack())
        await self._press(asked, MatchLanguage(round=round_, language="uk").pack())
        await self._press(asked, MatchPrice(round=round_).pack())
        for window in (Window.MORNINGS, Window.DAYTIME):
            await self._press(asked, MatchWindow(round=round_, window=window).pack())
        await self._press(asked, MatchNext(round=round_, question=Question.WINDOWS).pack())
        shown = await self._press(asked, MatchApproach(round=round_).pack(), timed="matches")
        text = BotClient.texts_of(shown)[0]
        assert text.startswith("🧭 Троє терапевтів"), f"{self.size}: {text[:80]}"

    async def _press(self, source: Reply, data: str, *, timed: str | None = None) -> list[Reply]:
        started = time.perf_counter()
        replies = await self.reader.press(data, source)
        if timed is not None:
            self.timings[timed].append((time.perf_counter() - started) * 1000)
        assert replies, f"{data}: the bot did not answer"
        return replies

    async def close(self) -> None:
        await self.app.close()


async def measure(database: str, urls: list[str], sizes: list[int]) -> list[dict[str, Any]]:
    chats = [Chat(size, url) for size, url in zip(sizes, urls, strict=True)]
    try:
        for chat in chats:
            started = time.monotonic()
            await chat.open()
            print(f"  {database}: {chat.size:,} therapists written in {time.monotonic() - started:.0f} s", flush=True)
        for chat in chats:  # warm: the first update of a process compiles and caches
            await chat.round()
            chat.timings = {name: [] for name in chat.timings}
        for _ in range(ROUNDS):
            for chat in chats:
                await chat.round()
        return [{"database": database, "size": c.size, **{n: statistics.median(v) for n, v in c.timings.items()}} for c in chats]
    finally:
        for chat in chats:
            await chat.close()


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_matching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    args = parser.parse_args(argv)
    results = await on_each_database(measure, "matching", args.sizes)
    load = os.getloadavg()
    print(f"«Help me choose» through the dispatcher, median of {ROUNDS} rounds, ms per update (load average {load[0]:.1f}):")
    for result in results:
        base = next(r for r in results if r["database"] == result["database"] and r["size"] == min(args.sizes))
        print(
            f"  {result['database']:<10} {result['size']:>7,} therapists: "
            + ", ".join(f"{name} {result[name]:.1f} ({result[name] / base[name]:.2f}×)" for name in COLUMNS)
        )


if __name__ == "__main__":
    asyncio.run(main())
