"""One person's updates, one at a time across replicas: a Redis lock on a short lease, renewed while held.

aiogram's `RedisEventIsolation` holds its lock for up to 60 seconds; a process killed while handling an
update leaves the lock behind, and the restarted process (or another replica) waits out the minute before
that person's next update. Here the lock lives `LEASE_SECONDS` unless its holder renews it, which it does
while the update is being handled: a dead holder's lock is gone within a few seconds.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress

from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger(__name__)

LEASE_SECONDS = 3.0
RENEW_EVERY_SECONDS = LEASE_SECONDS / 3


class LeasedRedisIsolation(BaseEventIsolation):
    def __init__(self, redis: Redis, key_builder: KeyBuilder) -> None:
        self._redis = redis
        self._keys = key_builder

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = Lock(self._redis, self._keys.build(key, "lock"), timeout=LEASE_SECONDS, sleep=0.02)
        await lock.acquire()
        renewing = asyncio.create_task(self._renew(lock))
        try:
            yield None
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing
            with suppress(LockError):  # the lease ran out while the loop was stalled: nothing left to release
                await lock.release()

    async def close(self) -> None:
        """The Redis connection belongs to the FSM storage, which closes it."""

    @staticmethod
    async def _renew(lock: Lock) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY_SECONDS)
            try:
                await lock.reacquire()
            except LockError:
                log.warning("lost the lock %s: its lease ran out before it was renewed", lock.name)
                return
