"""What an operator watches: `GET /metrics` in Prometheus' text format, and `GET /healthz`.

Counters and histograms count what this process did (sum them over the replicas); the backlog figures are read
from the database every process shares at each scrape, so every replica shows the same. The registry is the app's
own, not prometheus-client's global one: tests build many apps in one process.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from scheduler.claims import Claim
from scheduler.courier import Deliver
from storage import watch
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

# A scrape or a health check that waits longer on the database says it is unreachable.
DATABASE_TIMEOUT_SECONDS = 3.0
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LATENESS_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.updates_stored = Counter(
            "bot_updates_stored", "Updates from Telegram this process stored in the inbox", registry=registry
        )
        self.updates_handled = Counter("bot_updates_handled", "Updates this process handled", registry=registry)
        self.updates_failed = Counter(
            "bot_updates_failed", "Tries of an update that failed here (tried again, or set aside)", registry=registry
        )
        self.updates_set_aside = Counter(
            "bot_updates_set_aside", "Updates set aside here after their tries (listed by /inbox)", registry=registry
        )
        self.updates_undone = Counter(
            "bot_updates_undone",
            "Updates this process handled after its lease ran out and another had marked them handled: its changes "
            "were undone, what it sent was sent",
            registry=registry,
        )
        self.takeovers = Counter(
            "bot_chat_takeovers", "Chats this process took over from one whose lease ran out", registry=registry
        )
        self.handle_seconds = Histogram(
            "bot_update_handle_seconds", "Time to handle an update (one try)", buckets=HANDLING_BUCKETS,
            registry=registry,
        )
        self.chats_held = Gauge("bot_chats_held", "Chats whose lease this process holds", registry=registry)
        self.inbox_backlog = Gauge(
            "bot_inbox_backlog", "Updates waiting in the inbox, neither handled nor set aside (all replicas)",
            registry=registry,
        )
        self.inbox_oldest_seconds = Gauge(
            "bot_inbox_oldest_waiting_seconds", "Age of the oldest update waiting in the inbox (0: none waits)",
            registry=registry,
        )
        self.timed_pending = Gauge(
            "bot_timed_messages_pending", "Timed messages not sent yet, due or later (all replicas)", registry=registry
        )
        self.timed_overdue_seconds = Gauge(
            "bot_timed_messages_overdue_seconds", "How long past its time the most overdue pending timed message is",
            registry=registry,
        )
        self.timed_lateness = Histogram(
            "bot_timed_message_lateness_seconds", "How long after its time a timed message went out (its first try)",
            buckets=LATENESS_BUCKETS, registry=registry,
        )
        self.telegram_errors = Counter(
            "bot_telegram_errors", "Telegram's answers to wait on: 429 Too Many Requests and 5xx", ["status"],
            registry=registry,
        )
        self.database_up = Gauge(
            "bot_database_up", "Whether the database answered at the last scrape", registry=registry
        )
        for status in ("429", "5xx"):
            self.telegram_errors.labels(status)

    def timed(self, deliver: Deliver, clock: Clock) -> Deliver:
        """The courier's delivery, observed: how late each timed message goes out on its first try."""

        async def delivering(claim: Claim) -> None:
            if claim.message.attempts == 0 and claim.message.parts_sent == 0:
                self.timed_lateness.observe(max((clock.now() - claim.message.due_at).total_seconds(), 0.0))
            await deliver(claim)

        return delivering


class CountTelegramErrors(BaseRequestMiddleware):
    """Counts every 429 and 5xx Telegram answers, each retry too (registered inside the retrying middleware)."""

    def __init__(self, metrics: Metrics) -> None:
        self._errors = metrics.telegram_errors

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            self._errors.labels("429").inc()
            raise
        except TelegramServerError:
            self._errors.labels("5xx").inc()
            raise


class OperatorPages:
    """`/metrics` and `/healthz` for the bot's web server (the webhook's in webhook mode, the pages' in polling)."""

    def __init__(
        self, metrics: Metrics, sessions: async_sessionmaker[AsyncSession], clock: Clock, chats_held: Callable[[], int]
    ) -> None:
        self._metrics = metrics
        self._sessions = sessions
        self._clock = clock
        metrics.chats_held.set_function(lambda: float(chats_held()))

    def install(self, app: web.Application) -> None:
        app.router.add_get("/metrics", self.metrics)
        app.router.add_get("/healthz", self.healthz)

    async def healthz(self, _: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(self._ask_database(), DATABASE_TIMEOUT_SECONDS)
        except Exception as error:  # whatever it is, the database cannot be used now
            log.warning("health check: the database does not answer (%s: %s)", type(error).__name__, error)
            return web.Response(status=503, text="the database does not answer")
        return web.Response(text="ok")

    async def metrics(self, _: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(self._read_backlog(), DATABASE_TIMEOUT_SECONDS)
            self._metrics.database_up.set(1)
        except Exception as error:  # the figures of this process are still worth showing
            log.warning("metrics: the database does not answer (%s: %s)", type(error).__name__, error)
            self._metrics.database_up.set(0)
        return web.Response(body=generate_latest(self._metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _ask_database(self) -> None:
        async with SqlUnitOfWork(self._sessions, writes_first=False) as uow:
            await watch.reachable(uow.session)

    async def _read_backlog(self) -> None:
        async with SqlUnitOfWork(self._sessions, writes_first=False) as uow:
            figures = await watch.backlog(uow.session)
        now = self._clock.now()
        metrics = self._metrics
        metrics.inbox_backlog.set(figures.waiting_updates)
        oldest = figures.oldest_waiting_since
        metrics.inbox_oldest_seconds.set(max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
        metrics.timed_pending.set(figures.pending_messages)
        due = figures.oldest_due_at
        metrics.timed_overdue_seconds.set(max((now - due).total_seconds(), 0.0) if due else 0.0)
