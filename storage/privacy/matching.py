"""What the person told "Help me choose", the matches they were shown, and the waitlists they joined."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.repositories.matching import decode_answers
from storage.tables import MatchAnswersRow, MatchOfferRow, MatchRow, TherapistRow, WaitlistEntryRow


class MatchingData:
    topic = "matching"
    # A therapist's part of match_offers and waitlist_entries (offered to, waited for) goes with their profile
    # (ON DELETE CASCADE).
    tables = ("match_answers", "matches", "match_offers", "waitlist_entries")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        part: dict[str, Any] = {}
        kept = await self._session.get(MatchAnswersRow, person_id)
        if kept is not None:
            answers = decode_answers(kept.answers)
            part["answers"] = {
                "topics": list(answers.topics),
                "language": answers.language,
                "price_band": answers.price_band,
                "when_you_can_meet": [window.value for window in answers.windows],
                "approach": answers.approach,
                "they_fill_in_first_requests": kept.fill_requests,
                "saved_at": kept.saved_at.isoformat(),
            }
        offers = await self._session.execute(
            select(MatchRow.id, MatchRow.made_at, MatchOfferRow.full, TherapistRow.full_name)
            .join(MatchOfferRow, MatchOfferRow.match_id == MatchRow.id)
            .join(TherapistRow, TherapistRow.telegram_id == MatchOfferRow.therapist_id)
            .where(MatchRow.client_id == person_id)
            .order_by(MatchRow.id, MatchOfferRow.position)
        )
        matches: dict[int, dict[str, Any]] = {}
        for match_id, made_at, full, name in offers:
            match = matches.setdefault(match_id, {"made_at": made_at.isoformat(), "offered": [], "full": []})
            match["full" if full else "offered"].append(name)
        if matches:
            part["matches"] = list(matches.values())
        entries = await self._session.execute(
            select(WaitlistEntryRow, TherapistRow.full_name)
            .join(TherapistRow, TherapistRow.telegram_id == WaitlistEntryRow.therapist_id)
            .where(WaitlistEntryRow.client_id == person_id)
            .order_by(WaitlistEntryRow.id)
        )
        waitlists = [
            {
                "therapist": name,
                "joined_at": row.joined_at.isoformat(),
                "status": row.status,
                "when_you_can_meet": row.windows,
                "time_zone": row.zone,
                "times_told": row.told,
            }
            for row, name in entries
        ]
        if waitlists:
            part["waitlists"] = waitlists
        return part

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # Their notices not sent yet go with the outbox's part (addressed to the person).
        person = erasure.person_id
        await self._session.execute(delete(MatchAnswersRow).where(MatchAnswersRow.client_id == person))
        await self._session.execute(delete(MatchRow).where(MatchRow.client_id == person))
        await self._session.execute(delete(WaitlistEntryRow).where(WaitlistEntryRow.client_id == person))
        return []
