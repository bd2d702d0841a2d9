"""Replicas of the real bot in webhook mode, behind the local Bot API server's round-robin forwarder.

Every replica is the unmodified `python -m bot` on the same database (and Redis, when REDIS_URL is set), with a
webhook server of its own. The forwarder posts each update to the next replica in turn and, when one does not
answer 200 (it is down, or starting), to the one after it, as a load balancer in front of Telegram would.
"""
from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from playground.bot_api import FakeTelegram
from tests.support.bot_process import BotProcess, BotProcessError

SECRET = "replicas-secret"
WEBHOOK_PATH = "/telegram/webhook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replicas:
    def __init__(self, fake: FakeTelegram, make: Callable[..., BotProcess], count: int, env: Mapping[str, str]) -> None:
        self.fake = fake
        self.ports = [free_port() for _ in range(count)]
        self.processes = [
            make({
                "RUN_MODE": "webhook", "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(port),
                "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": SECRET, **env,
            })
            for port in self.ports
        ]
        fake.balance([f"http://127.0.0.1:{port}{WEBHOOK_PATH}" for port in self.ports])

    def __getitem__(self, index: int) -> BotProcess:
        return self.processes[index]

    def index_of(self, address: str) -> int:
        return self.ports.index(int(address.split(":")[2].split("/")[0]))

    async def start(self, index: int, timeout: float = 60.0) -> None:
        """Start one and wait until its server answers /healthz (its webhook takes updates from then on)."""
        process = self.processes[index]
        await process.start(wait_ready=False)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with aiohttp.ClientSession() as http:
            while True:
                if not process.running:
                    raise BotProcessError(f"replica {index} exited with {process.returncode}\n{process.output_tail()}")
                try:
                    async with http.get(f"http://127.0.0.1:{self.ports[index]}/healthz") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                if loop.time() > deadline:
                    raise BotProcessError(f"replica {index} did not answer /healthz in {timeout}s\n{process.output_tail()}")
                await asyncio.sleep(0.1)  # a real process starting on the wall clock

    async def start_all(self) -> None:
        await asyncio.gather(*(self.start(index) for index in range(len(self.processes))))

    async def metrics(self, index: int) -> dict[str, float]:
        """A running replica's /metrics, as the samples without labels (name -> value)."""
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.ports[index]}/metrics") as answer:
            text = await answer.text()
        return {
            match[1]: float(match[2]) for match in re.finditer(r"^([a-z_]+) ([0-9.e+-]+)$", text, flags=re.MULTILINE)
        }

    def answered_by(self) -> dict[int, int]:
        """update_id -> the replica whose webhook took it."""
        return {update_id: self.index_of(address) for update_id, address in self.fake.answered_by.items()}


async def until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Until the condition holds; real processes on the wall clock, so look again shortly."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (outcome := await _outcome(condition)):
        assert loop.time() < deadline, f"{what}: not within {timeout}s"
        await asyncio.sleep(0.05)
    return outcome


async def _outcome(condition: Callable[[], Any]) -> Any:
    outcome = condition()
    return await outcome if asyncio.iscoroutine(outcome) else outcome
