"""Delivery and its courier, built from settings (used by the composition root)."""
from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.delivery.deliver import Delivery
from bot.delivery.limits import Budget, LocalBudget, RedisBudget, SendLimits, Sleeper
from bot.metrics import Metrics
from bot.notices.kinds import NoticeKind
from bot.settings import Settings
from core.clock import Clock
from scheduler.claims import RetryPolicy
from scheduler.courier import Courier
from storage.db import is_sqlite
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

# Claimed ahead of sending: a few seconds' worth at the overall rate, so the
# limits, not the database, set the pace, and a fresh relay waits behind a
# broadcast for seconds, not minutes.
SECONDS_CLAIMED_AHEAD = 4
SMALLEST_WINDOW = 8


def build_delivery(
    settings: Settings,
    bot: Bot,
    units: Callable[[], SqlUnitOfWork],
    i18n: I18n,
    clock: Clock,
    kinds: Mapping[str, NoticeKind],
    sleeper: Sleeper,
    metrics: Metrics,
    budget: Budget | None = None,
) -> tuple[Delivery, Courier]:
    limits = SendLimits(
        budget or send_budget(settings, bot, sleeper),
        sleeper,
        per_second=settings.delivery_rate_per_second,
        per_chat_seconds=settings.delivery_rate_per_chat_seconds,
        group_per_minute=settings.delivery_group_per_minute,
    )
    delivery = Delivery(bot, units, i18n, clock, settings, kinds, limits)
    courier = Courier(
        units,
        clock,
        metrics.timed(delivery, clock),
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        window=max(SMALLEST_WINDOW, math.ceil(settings.delivery_rate_per_second * SECONDS_CLAIMED_AHEAD)),
        policy=RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            first_delay=timedelta(seconds=settings.delivery_retry_seconds),
        ),
        safety_interval=timedelta(seconds=settings.delivery_safety_seconds),
    )
    return delivery, courier


def send_budget(settings: Settings, bot: Bot, sleeper: Sleeper) -> Budget:
    """Shared by every replica through Redis when there is one; this process's own otherwise."""
    if not settings.redis_url:
        if not is_sqlite(settings.database_url):
            log.warning("REDIS_URL is not set: Telegram's limits are kept by this process alone; run one replica only")
        return LocalBudget(sleeper.monotonic)
    from redis.asyncio import Redis

    # The bot's id in braces: all of its keys in one hash slot, as scripts on a Redis cluster need.
    return RedisBudget(Redis.from_url(settings.redis_url), f"delivery:{{{bot.id}}}")
