"""Run the real bot (`python -m bot`) as a subprocess against a FakeTelegram.

The process is asyncio-managed on purpose: the fake server lives in the test's
event loop, so waiting for the bot must never block that loop (a blocking
wait would stop the server from answering the bot's shutdown requests).
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from playground.bot_api import FakeTelegram, WaitTimeout
from tests.support.keys import TEST_DATA_KEYS

__all__ = ["DEFAULT_BOT_TOKEN", "REPO_ROOT", "BotProcess", "BotProcessError", "sqlite_url"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BOT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz012345"


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'bot.db'}"


class BotProcessError(AssertionError):
    """The bot did not start or stop as expected; the message carries its output."""


class BotProcess:
    """One bot process; start()/stop() may be repeated to restart it on the same files."""

    def __init__(
        self,
        fake: FakeTelegram,
        workdir: Path,
        *,
        env: Mapping[str, str | None] | None = None,
        database_url: str | None = None,
        token: str = DEFAULT_BOT_TOKEN,
        command: Sequence[str] | None = None,
        cwd: Path = REPO_ROOT,
    ) -> None:
        self.fake = fake
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.token = token
        self.database_url = database_url or sqlite_url(self.workdir)
        self.command = list(command) if command is not None else [sys.executable, "-m", "bot"]
        self.cwd = cwd
        self.extra_env = dict(env or {})
        # Its own port for the web pages, kept across restarts: processes of parallel runs never share one.
        self.web_port = int(self.extra_env.get("WEB_PORT") or _free_port())
        self.stdout_path = self.workdir / "bot.stdout.log"
        self.stderr_path = self.workdir / "bot.stderr.log"
        self._process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def env(self) -> dict[str, str]:
        """The environment the bot runs with; an extra set to None removes the variable."""
        env = dict(os.environ)
        env.update({
            "BOT_TOKEN": self.token,
            "DATA_KEYS": TEST_DATA_KEYS,
            "TELEGRAM_API_BASE": self.fake.base_url,
            "DATABASE_URL": self.database_url,
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(self.web_port),
            "PYTHONUNBUFFERED": "1",
        })
        for key, value in self.extra_env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = str(value)
        return env

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self, *, wait_ready: bool = True, timeout: float = 60.0) -> BotProcess:
        """Spawn the bot; by default wait until it polls getUpdates (i.e. it is serving)."""
        # A minute, not seconds: CI runs two suites at once on two cores, and a cold start migrates and imports under that load.
        if self.running:
            raise BotProcessError("the bot process is already running")
        polls_before = self.fake.polls_started
        self.starts += 1
        stdout, stderr = self._open_logs()
        try:
            self._process = await asyncio.create_subprocess_exec(
                *self.command, cwd=str(self.cwd), env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=stdout, stderr=stderr,
            )
        finally:
            # The child holds its own descriptors now.
            stdout.close()
            stderr.close()
        if wait_ready:
            await self.wait_ready(since_polls=polls_before, timeout=timeout)
        return self

    def _open_logs(self) -> tuple[BinaryIO, BinaryIO]:
        # Logs are appended across restarts, with a marker, so output() tells the whole story.
        marker = f"\n===== start #{self.starts} =====\n".encode()
        files = []
        for path in (self.stdout_path, self.stderr_path):
            log = open(path, "ab")  # handed to the child process, closed in start()
            log.write(marker)
            log.flush()
            files.append(log)
        return files[0], files[1]

    async def wait_ready(self, *, since_polls: int = 0, timeout: float = 60.0) -> None:
        """Wait for a getUpdates after `since_polls`; fail fast if the process dies first."""
        assert self._process is not None, "start() first"
        polling = asyncio.ensure_future(self.fake.wait_polling(since_polls=since_polls, timeout=timeout))
        exited = asyncio.ensure_future(self._process.wait())
        try:
            done, _ = await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (polling, exited):
                if not task.done():
                    task.cancel()
        if polling in done and polling.exception() is None:
            return
        if exited in done:
            raise BotProcessError(
                f"the bot exited with code {self._process.returncode} before polling\n{self.output_tail()}"
            )
        try:
            polling.result()
        except WaitTimeout:
            raise BotProcessError(f"the bot did not start polling within {timeout}s\n{self.output_tail()}") from None

    async def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (aiogram stops polling gracefully), then SIGKILL after `timeout`."""
        if self._process is None:
            return None
        if self._process.returncode is None:
            try:
                self._process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                await asyncio.wait_for(self._process.wait(), timeout)
            except TimeoutError:
                self.kill()
                await self._process.wait()
        return self._process.returncode

    def kill(self) -> None:
        """SIGKILL: a crash with no chance to clean up or confirm updates."""
        if self._process is not None and self._process.returncode is None:
            try:
                self._process.kill()
            except ProcessLookupError:
                pass

    async def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to exit on its own (or after kill())."""
        assert self._process is not None, "start() first"
        return await asyncio.wait_for(self._process.wait(), timeout)

    async def restart(self, *, wait_ready: bool = True, timeout: float = 60.0) -> BotProcess:
        await self.stop()
        return await self.start(wait_ready=wait_ready, timeout=timeout)

    def stdout(self) -> str:
        return _read(self.stdout_path)

    def stderr(self) -> str:
        return _read(self.stderr_path)

    def output(self) -> str:
        """Everything the bot printed so far (stdout then stderr, all starts)."""
        return f"--- stdout ---{self.stdout()}\n--- stderr ---{self.stderr()}"

    def output_tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def __repr__(self) -> str:
        return f"BotProcess(pid={self.pid}, returncode={self.returncode})"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
