"""`make demo`: the whole platform in a browser, with no Telegram, no token and no network.

It resets the demo's own database (./data/demo.db) and loads the demo
therapists into it, starts the local Bot API server and the real bot process
(`python -m bot`, unmodified) against it, and serves the page that plays the
people. Everything listens on 127.0.0.1 unless DEMO_HOST says otherwise.

The bot runs in demo mode: a demo token (its secret begins "DEMO-", which
BotFather never issues), the local Bot API server, a test payment provider,
and DEMO_CLOCK_FILE, the clock the page moves. The bot refuses that clock
beside anything real, and the bot's environment is built here from nothing, so
neither a developer's .env nor their shell's BOT_TOKEN reaches it.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from aiohttp.web import AppRunner
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.bookings import ACTIVE
from playground.bot_api import FakeTelegram
from playground.cast import ADMIN
from playground.clock import DemoClock
from playground.page import DemoPage, bind, serve
from storage.db import create_engine, session_factory
from storage.encryption import KeyRing, new_key
from storage.tables import BookingRow

DEMO_TOKEN = "7000000001:DEMO-playground-not-a-real-token"
# A test token in the shape of BotFather's test providers: the local Bot API server takes any.
TEST_PROVIDER_TOKEN = "284685063:TEST:demo-playground"
BOT_USERNAME = "therapy_demo_bot"
STARTUP_SECONDS = 120.0  # a first start migrates a fresh database; a loaded machine is slow
# What the bot process may inherit: where Python and its packages are, the locale. Nothing of the bot's settings.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class DemoSettings(BaseSettings):
    """DEMO_HOST, DEMO_PORT, DEMO_DATA_DIR: where the page listens and where the demo keeps its files."""

    model_config = SettingsConfigDict(env_prefix="DEMO_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=0, le=65535)
    data_dir: Path = Path("data")


class DemoFailed(Exception):
    """The demo could not start; the message says why (with the bot's last words)."""


@dataclass
class Paths:
    data: Path

    @property
    def database(self) -> Path:
        return self.data / "demo.db"

    @property
    def clock(self) -> Path:
        return self.data / "demo-clock.json"

    @property
    def bot_log(self) -> Path:
        return self.data / "demo-bot.log"

    @property
    def data_key(self) -> Path:
        return self.data / "demo-data-key"

    def data_keys(self) -> str:
        """The demo's own DATA_KEYS, beside its data: made on first use, kept across runs like a real key."""
        if not self.data_key.exists():
            self.data.mkdir(parents=True, exist_ok=True)
            self.data_key.write_text(new_key() + "\n", encoding="utf-8")
            self.data_key.chmod(0o600)
        return self.data_key.read_text(encoding="utf-8").strip()

    def reset(self) -> None:
        """A fresh demo every time: the database, its journal files, the clock and the log go."""
        self.data.mkdir(parents=True, exist_ok=True)
        for path in (self.database, self.clock, self.bot_log):
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_environment(paths: Paths, api_base: str, web_port: int, page_url: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update({
        "BOT_TOKEN": DEMO_TOKEN,
        "DATA_KEYS": paths.data_keys(),
        "TELEGRAM_API_BASE": api_base,
        "DATABASE_URL": f"sqlite+aiosqlite:///{paths.database}",
        "DEMO_CLOCK_FILE": str(paths.clock),
        "ADMIN_IDS": str(ADMIN.telegram_id),
        "PAYMENT_PROVIDER_TOKEN": TEST_PROVIDER_TOKEN,
        "PAYMENT_CURRENCY": "UAH",
        "RUN_MODE": "polling",
        # The bot's own web pages (therapists' landings, the directory), on this computer only.
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(web_port),
        # No Telegram here: the pages' links into the bot open the demo page's chats instead of t.me.
        "DEMO_PAGE_URL": page_url,
        "PYTHONUNBUFFERED": "1",
    })
    return env


async def load_demo_therapists(paths: Paths, env: dict[str, str]) -> None:
    """`python -m bot demo-data` into the demo's database (it migrates it first)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo-data", cwd=paths.data, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise DemoFailed(f"loading the demo therapists failed:\n{output.decode(errors='replace')}")


def next_session_lookup(paths: Paths) -> tuple[Callable[[datetime], Awaitable[datetime | None]], AsyncEngine]:
    """The start of the earliest session still ahead (requested, awaiting payment or paid), from the database."""
    engine = create_engine(f"sqlite+aiosqlite:///{paths.database}", keys=KeyRing.parse(paths.data_keys()))
    sessions = session_factory(engine)

    async def next_session(now: datetime) -> datetime | None:
        async with sessions() as db:
            return await db.scalar(
                select(func.min(BookingRow.starts_at)).where(
                    BookingRow.starts_at > now, BookingRow.status.in_([status.value for status in ACTIVE])
                )
            )

    return next_session, engine


class Demo:
    """The running demo: the local Bot API server, the bot process and the page."""

    def __init__(self, settings: DemoSettings) -> None:
        self.settings = settings
        self.paths = Paths(settings.data_dir.resolve())
        self.fake: FakeTelegram | None = None
        self.bot: asyncio.subprocess.Process | None = None
        self.url = ""
        self.web_url = ""
        self._runner: AppRunner | None = None
        self._engine: AsyncEngine | None = None

    async def start(self) -> str:
        self.paths.reset()
        sock = bind(self.settings.host, self.settings.port)  # first: a taken port fails before anything starts
        try:
            shown_host = f"[{self.settings.host}]" if ":" in self.settings.host else self.settings.host
            self.url = f"http://{shown_host}:{sock.getsockname()[1]}"
            clock = DemoClock(self.paths.clock)
            self.fake = await FakeTelegram(bot_username=BOT_USERNAME, bot_first_name="Therapy Demo", clock=clock.timestamp).start()
            web_port = free_port()
            self.web_url = f"http://127.0.0.1:{web_port}"
            env = bot_environment(self.paths, self.fake.base_url, web_port, self.url)
            await load_demo_therapists(self.paths, env)
            await self._start_bot(env)
            next_session, self._engine = next_session_lookup(self.paths)
            page = DemoPage(self.fake, clock, next_session, bot_username=BOT_USERNAME, web_url=self.web_url)
            self._runner = await serve(page, sock)
        except BaseException:
            sock.close()
            raise
        return self.url

    async def _start_bot(self, env: dict[str, str]) -> None:
        assert self.fake is not None
        log = self._open_log()
        try:
            self.bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.paths.data, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        finally:
            log.close()
        polling = asyncio.ensure_future(self.fake.wait_polling(timeout=STARTUP_SECONDS))
        exited = asyncio.ensure_future(self.bot.wait())
        done, _ = await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
        for task in (polling, exited):
            task.cancel()
        if exited in done:
            raise DemoFailed(f"the bot exited with code {self.bot.returncode}:\n{self.bot_log_tail()}")
        if polling.exception() is not None:
            raise DemoFailed(f"the bot did not start within {STARTUP_SECONDS:.0f} s:\n{self.bot_log_tail()}")

    def _open_log(self) -> BinaryIO:
        return open(self.paths.bot_log, "ab")  # handed to the child, which keeps its own descriptor

    def bot_log_tail(self, lines: int = 30) -> str:
        try:
            text = self.paths.bot_log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def bot_exited(self) -> int:
        assert self.bot is not None
        return await self.bot.wait()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.bot is not None and self.bot.returncode is None:
            # SIGTERM: the bot finishes what it is handling and hands back what it has not sent.
            self.bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.bot.wait(), 30)
            except TimeoutError:
                self.bot.kill()
                await self.bot.wait()
        if self._engine is not None:
            await self._engine.dispose()
        if self.fake is not None:
            await self.fake.stop()


def where_it_listens(host: str) -> str:
    if host in LOOPBACK:
        return f"It listens on {host} only: reachable from this computer alone (DEMO_HOST changes that)."
    return f"WARNING: it listens on {host}: anyone who can reach this computer there can use the demo."


async def run(settings: DemoSettings) -> int:
    demo = Demo(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    print("Starting the demo: a fresh database with the demo therapists, the local Bot API server and the bot…", flush=True)
    try:
        url = await demo.start()
        print(f"\nThe demo is ready: open {url}", flush=True)
        print(where_it_listens(settings.host), flush=True)
        print(f"The bot's own web pages (therapists' landings, the directory): {demo.web_url}", flush=True)
        print(f"No Telegram, no token, no network. The bot's log: {demo.paths.bot_log}. Ctrl+C stops it.", flush=True)
        stopped = asyncio.ensure_future(stop.wait())
        exited = asyncio.ensure_future(demo.bot_exited())
        await asyncio.wait({stopped, exited}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if exited.done():
            print(f"The bot stopped unexpectedly:\n{demo.bot_log_tail()}", file=sys.stderr, flush=True)
            return 1
        exited.cancel()
        print("Stopping the demo…", flush=True)
        return 0
    except DemoFailed as error:
        print(f"The demo could not start: {error}", file=sys.stderr, flush=True)
        return 1
    except OSError as error:
        print(f"The demo could not start: {error} (is port {settings.port} taken? DEMO_PORT changes it)", file=sys.stderr)
        return 1
    finally:
        await demo.stop()


def main() -> int:
    return asyncio.run(run(DemoSettings()))
