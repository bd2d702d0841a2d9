"""The nameless account that records kept for accounting point to once their person is deleted."""
from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure
from storage.tables import TherapistRow, UserRow

NO_NAME = "—"


async def stand_in_person(session: AsyncSession, erasure: Erasure) -> int:
    if await session.get(UserRow, erasure.stand_in_id) is None:
        session.add(
            UserRow(
                telegram_id=erasure.stand_in_id, first_name=NO_NAME, display_name=None, locale="uk",
                timezone="UTC", timezone_chosen=False, reachable=False, created_at=erasure.at,
            )
        )
        await session.flush()
    return erasure.stand_in_id


async def stand_in_therapist(session: AsyncSession, erasure: Erasure) -> int:
    """Never verified and hidden: it is no one's profile, only what a kept session points to."""
    await stand_in_person(session, erasure)
    if await session.get(TherapistRow, erasure.stand_in_id) is None:
        session.add(
            TherapistRow(
                telegram_id=erasure.stand_in_id, full_name=NO_NAME, about="", education="", experience_years=0,
                price_minor=0, timezone="UTC", topics=[], approaches=[], languages=[],
                share_code=f"erased-{secrets.token_hex(8)}", verified=False, accepting_clients=False, hidden=True,
                extra={},
            )
        )
        await session.flush()
    return erasure.stand_in_id
