"""The demo as a newcomer meets it: `python -m playground` in a process of its own, and a real browser on its page.

The browser is Debian's Chromium driven by Playwright (browsers cannot be
downloaded here). Screenshots are kept under test-artifacts/demo/ (or
$TEST_ARTIFACTS/demo/) whatever the outcome.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.support.bot_process import REPO_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", REPO_ROOT / "test-artifacts")) / "demo"
STARTUP = 180.0  # a fresh database is migrated and loaded, then the bot starts: slow on a loaded machine
READY = re.compile(r"open (http://\S+)")
_readers: set[asyncio.Future[None]] = set()

# The demo always runs on a SQLite file of its own: on the PostgreSQL pass it would only repeat the SQLite one.
ON_ANOTHER_DATABASE = not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
browser_tests = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(ON_ANOTHER_DATABASE, reason="the demo runs on its own SQLite file: the SQLite pass covers it"),
]


@dataclass
class RunningDemo:
    url: str
    process: asyncio.subprocess.Process
    data_dir: Path
    output: list[str]

    def bot_log(self) -> str:
        path = self.data_dir / "demo-bot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[RunningDemo]:
    """`python -m playground` on a free port, its data in the test's folder; stopped with Ctrl+C afterwards."""
    env = {**os.environ, "DEMO_PORT": "0", "DEMO_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "playground", cwd=REPO_ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output: list[str] = []
    running = RunningDemo("", process, tmp_path / "data", output)
    try:
        running.url = await asyncio.wait_for(_ready(process, output), STARTUP)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                await process.wait()
        assert process.returncode == 0, f"the demo ended with {process.returncode}:\n" + "".join(output)


async def _ready(process: asyncio.subprocess.Process, output: list[str]) -> str:
    assert process.stdout is not None
    while line := (await process.stdout.readline()).decode(errors="replace"):
        output.append(line)
        if found := READY.search(line):
            # Keep reading in the background so the pipe never fills.
            _readers.add(reader := asyncio.ensure_future(_drain(process, output)))
            reader.add_done_callback(_readers.discard)
            return found.group(1)
    raise AssertionError("the demo exited before it was ready:\n" + "".join(output))


async def _drain(process: asyncio.subprocess.Process, output: list[str]) -> None:
    assert process.stdout is not None
    while line := await process.stdout.readline():
        output.append(line.decode(errors="replace"))


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, demo: RunningDemo, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1800, "height": 1000}, locale="uk-UA")
    opened = await context.new_page()
    await opened.goto(demo.url)
    try:
        yield opened
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"))
        await context.close()


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path
