"""Benchmark of replicas (`make bench-replicas`, part of `make bench`; not collected by pytest).

Real `python -m bot` processes in webhook mode on one PostgreSQL (and Redis, when REDIS_URL is set), behind the
local Bot API server's round-robin forwarder, on this machine's cores:

1. Takeover after a kill. Each round one replica takes a /help, whose first answer Telegram holds, and is killed
   (SIGKILL) inside that send; the time from the kill until another replica's answer arrives is measured, and the
   killed one is started again for the next round. Median and worst, next to INBOX_LEASE_SECONDS.
2. Pickup. Two replicas; one (the holder) is inside its answer to a chat's /help (Telegram holds it), so it holds
   the chat, when the chat's next /help arrives: delivered to the other replica, which stores it and leaves it to
   the holder, or, as the baseline in the same run, delivered to the holder itself. The held answer is let go at
   the next update's 200; measured is the time from that 200 until the answer to the next update arrives. Both ways
   in turn, repeated; median and worst, next to INBOX_POLL_SECONDS.
3. The booking walk (/find, the therapist, «Choose a time», a day, a time, «Book», a topic, «Done», «Skip», a name)
   by many clients at once, each sending its next step once it has the answer (a closed loop), with 1, 2 and 3
   replicas in the same run on a fresh database each: updates a second, and their ratio to one replica's.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test_bench python -m tests.bench_replicas [--only pickup]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from bot.settings import Settings
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.users import Role, User
from playground.bot_api import Call, FakeTelegram, FakeUser
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.bench import TOKEN
from tests.support.bot_process import BotProcess
from tests.support.databases import PostgresRun, server_url
from tests.support.keys import TEST_RING
from tests.support.replicas import Replicas, until

IRYNA = 2001
FIRST_CLIENT = 100_000
DAY_BUTTON = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2}$")
TIME_BUTTON = re.compile(r"^\d\d:\d\d$")
HELP = "Як користуватися ботом"
STEP_TIMEOUT = 60.0


async def scene(url: str, clients: int) -> None:
    engine = create_engine(url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            now = datetime.now(UTC)
            await uow.users.add(User(IRYNA, "Iryna", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True))
            await uow.therapists.add(TherapistProfile(
                telegram_id=IRYNA, full_name="Iryna Kovalenko", timezone="Europe/Kyiv", about="Anxiety and grief.",
                education="KNU, MA", experience_years=8, price_minor=120_000, topics=["anxiety"], approaches=["cbt"],
                languages=["uk", "en"], share_code="iryna", verified=True,
                hours=[WorkingHours(day, wall_time(8), wall_time(20)) for day in range(7)],
            ))
            for number in range(clients):
                await uow.users.add(User(
                    FIRST_CLIENT + number, f"Client {number}", "en", "Europe/Kyiv", now, roles={Role.CLIENT}, timezone_chosen=True,
                ))
            await uow.commit()
    finally:
        await engine.dispose()


def inline_buttons(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row]


async def press(user: FakeUser, text: str) -> dict[str, Any]:
    """Tap the button once the bot shows it, then wait for the answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while True:
        try:
            user.click(text)
            break
        except LookupError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.02)  # the previous answer's keyboard is still on its way
    return await user.wait_message(timeout=STEP_TIMEOUT)


async def walk(user: FakeUser, number: int) -> int:
    """The booking walk; returns the updates it sent."""
    user.send_command("find")
    await user.wait_message(timeout=STEP_TIMEOUT)
    await press(user, "Iryna Kovalenko · ₴1,200")
    days = [text for text in inline_buttons(await press(user, "📅 Choose a time")) if DAY_BUTTON.match(text)]
    times = [text for text in inline_buttons(await press(user, days[number % len(days)])) if TIME_BUTTON.match(text)]
    await press(user, times[(number // len(days)) % len(times)])
    sent = 5
    for step in ("✅ Book", "Anxiety", "✔️ Done", "Skip", f"Show my Telegram name: {user.first_name}"):
        try:
            await press(user, step)
        except (LookupError, AssertionError):  # the time was taken by another client first: told so
            return sent
        sent += 1
    return sent


def replica_env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "DELIVERY_RATE_PER_CHAT_SECONDS": "0", "LOG_LEVEL": "WARNING"}


async def with_replicas(fake: FakeTelegram, folder: Path, count: int, env: dict[str, str]) -> Replicas:
    made: list[BotProcess] = []
    # A bot of its own each time: its conversation states in Redis are apart from the previous phase's.
    token = f"{abs(hash(folder)) % 10**9 + 10**8}:{TOKEN.split(':', 1)[1]}"

    def make(extra: dict[str, str]) -> BotProcess:
        process = BotProcess(
            fake, folder / f"replica-{len(made)}", env={**env, **extra}, database_url=env["DATABASE_URL"], token=token,
            cwd=folder,
        )
        made.append(process)
        return process

    replicas = Replicas(fake, make, count, {})
    await replicas.start_all()
    return replicas


async def stop_all(replicas: Replicas) -> None:
    await asyncio.gather(*(process.stop(timeout=20) for process in replicas.processes))


async def takeovers(run: PostgresRun, folder: Path, rounds: int) -> dict[str, Any]:
    await run.empty()
    lease = Settings.model_fields["inbox_lease_seconds"].default
    async with FakeTelegram() as fake:
        replicas = await with_replicas(fake, folder / "takeover", 3, replica_env(run.url))
        addresses = [f"http://127.0.0.1:{port}/telegram/webhook" for port in replicas.ports]
        seconds: list[float] = []
        try:
            for number in range(rounds):
                victim = number % 3
                person = fake.user(4001 + number, f"Person {number}")
                fake.hold("sendMessage")
                fake.balance([addresses[victim]])
                person.send_command("help")
                await until(lambda: fake.on_hold("sendMessage") >= 1, 60, "the victim inside its send")
                fake.balance([address for index, address in enumerate(addresses) if index != victim])
                replicas[victim].kill()
                killed = time.perf_counter()
                await replicas[victim].wait(timeout=10)
                fake.release("sendMessage")
                await person.wait_message(HELP, timeout=60)
                seconds.append(time.perf_counter() - killed)
                await replicas.start(victim)
                fake.balance(addresses)
        finally:
            await stop_all(replicas)
    return {"lease": lease, "seconds": seconds}


async def pickups(run: PostgresRun, folder: Path, repeats: int) -> dict[str, Any]:
    await run.empty()
    poll = Settings.model_fields["inbox_poll_seconds"].default
    async with FakeTelegram() as fake:
        replicas = await with_replicas(fake, folder / "pickup", 2, replica_env(run.url))
        holder, other = (f"http://127.0.0.1:{port}/telegram/webhook" for port in replicas.ports)
        seconds: dict[str, list[float]] = {"holder": [], "other": []}
        try:
            for number in range(repeats):
                for way, target in (("holder", holder), ("other", other)):  # in turn: the machine's load on both
                    person = fake.user(6001 + 2 * number + (way == "other"), f"Person {number} {way}")
                    seconds[way].append(await pickup(fake, person, holder, target))
            # Every update handled by the holder: none was the other's to handle (it would have answered at once).
            handled = [(await replicas.metrics(index)).get("bot_updates_handled_total", 0) for index in (0, 1)]
        finally:
            await stop_all(replicas)
    return {"poll": poll, "handled": handled, **seconds}


async def pickup(fake: FakeTelegram, person: FakeUser, holder: str, target: str) -> float:
    """Seconds from the 200 of a chat's update delivered to `target` until the answer, the chat held by `holder`."""
    since = fake.call_count
    fake.hold("sendMessage")
    fake.balance([holder])
    person.send_command("help")
    await until(lambda: fake.on_hold("sendMessage") >= 1, 60, "the holder inside its answer")
    fake.balance([target])
    person.send_command("help")
    update_id = fake.pushed_updates[-1]["update_id"]
    assert await fake.wait_until(lambda: update_id in fake.answered_by, 60), "the next /help stored"
    stored = time.monotonic()  # the clock of the calls' `at`
    fake.release("sendMessage")

    def helped(call: Call) -> bool:
        return call.ok and call.chat_id == person.id and HELP in (call.text or "")

    answers = await fake.wait_for(helped, count=2, since=since, timeout=60)
    return answers[1].at - stored


async def booking_walks(run: PostgresRun, folder: Path, replica_count: int, clients: int) -> dict[str, Any]:
    await run.empty()
    await scene(run.url, clients + 1)
    async with FakeTelegram() as fake:
        replicas = await with_replicas(fake, folder / f"walk-{replica_count}", replica_count, replica_env(run.url))
        try:
            await walk(fake.user(FIRST_CLIENT + clients, "Warm", language_code="en"), 0)  # compiles and caches
            users = [fake.user(FIRST_CLIENT + number, f"Client {number}", language_code="en") for number in range(clients)]
            started = time.perf_counter()
            sent = await asyncio.gather(*(walk(user, number) for number, user in enumerate(users)))
            elapsed = time.perf_counter() - started
        finally:
            await stop_all(replicas)
    return {"updates": sum(sent), "seconds": elapsed, "per_second": sum(sent) / elapsed}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--pickups", type=int, default=20)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("takeover", "pickup", "walk"), help="run only this part")
    args = parser.parse_args(argv)
    url = server_url()
    if url is None:
        print("bench_replicas: replicas share PostgreSQL; set DATABASE_URL (and REDIS_URL) to run it", file=sys.stderr)
        return
    run = await asyncio.to_thread(PostgresRun, url)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-replicas-") as work:
            folder = Path(work)
            cores = os.cpu_count()
            print(f"Replicas on this machine: {cores} cores, PostgreSQL, Redis {'yes' if os.environ.get('REDIS_URL') else 'no'}, "
                  f"load average {os.getloadavg()[0]:.1f}")
            if args.only in (None, "takeover"):
                taken = await takeovers(run, folder, args.kills)
                times = taken["seconds"]
                print(f"Takeover after a kill (INBOX_LEASE_SECONDS={taken['lease']:g}, {len(times)} kills): "
                      f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s, best {min(times):.2f} s")
            if args.only in (None, "pickup"):
                picked = await pickups(run, folder, args.pickups)
                print(f"Pickup, 2 replicas (INBOX_POLL_SECONDS={picked['poll']:g}, {args.pickups} times each way), "
                      "from the next update's 200 to its answer, the chat held by one replica:")
                for way, what in (("holder", "delivered to the holder (baseline)"), ("other", "delivered to the other replica")):
                    print(f"  {what}: median {statistics.median(picked[way]) * 1000:.0f} ms, "
                          f"worst {max(picked[way]) * 1000:.0f} ms, best {min(picked[way]) * 1000:.0f} ms")
                print(f"  updates handled by the holder {picked['handled'][0]:g}, by the other replica {picked['handled'][1]:g}")
            if args.only in (None, "walk"):
                await walks(run, folder, args.clients, args.repeats)
            print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        await asyncio.to_thread(run.drop)


async def walks(run: PostgresRun, folder: Path, clients: int, repeats: int) -> None:
    rates: dict[int, list[float]] = {1: [], 2: [], 3: []}
    for repeat in range(repeats):  # 1, 2, 3 replicas in turn, so the machine's other load spreads over all
        for count in (1, 2, 3):
            walked = await booking_walks(run, folder / f"r{repeat}", count, clients)
            rates[count].append(walked["per_second"])
            print(f"  booking walk, {count} replica(s): {walked['updates']} updates in {walked['seconds']:.1f} s "
                  f"= {walked['per_second']:.1f} updates/s")
    one = statistics.median(rates[1])
    for count, measured in rates.items():
        print(f"Booking walk, {count} replica(s), {clients} clients at once, median of {repeats}: "
              f"{statistics.median(measured):.1f} updates/s (×{statistics.median(measured) / one:.2f} of one replica)")


if __name__ == "__main__":
    asyncio.run(main())
