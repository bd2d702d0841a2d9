"""The answers a client gave "Help me choose", and the records of matches made.

The answers are one JSON text in one sealed column (`match_answers.answers`, storage/tables/sealed.py), read
and written only here: what brings a client to therapy.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.matching import KeptAnswers, MatchFigures, MatchRecord
from core.rules.matching import Answers, Window
from storage.db import rows_changed
from storage.tables import BookingRow, MatchAnswersRow, MatchOfferRow, MatchRow


class SqlMatchingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def answers_of(self, client_id: int) -> KeptAnswers | None:
        row = await self._session.get(MatchAnswersRow, client_id)
        if row is None:
            return None
        return KeptAnswers(decode_answers(row.answers), row.saved_at, row.fill_requests)

    async def keep_answers(self, client_id: int, kept: KeptAnswers) -> None:
        row = await self._session.get(MatchAnswersRow, client_id)
        if row is None:
            row = MatchAnswersRow(client_id=client_id)
            self._session.add(row)
        row.answers, row.fill_requests, row.saved_at = encode_answers(kept.answers), kept.fill_requests, kept.saved_at
        await self._session.flush()

    async def forget_answers(self, client_id: int) -> bool:
        return await rows_changed(self._session, delete(MatchAnswersRow).where(MatchAnswersRow.client_id == client_id)) > 0

    async def record_match(self, client_id: int, made_at: datetime, offered: list[int], full: list[int]) -> int:
        row = MatchRow(client_id=client_id, made_at=made_at)
        self._session.add(row)
        await self._session.flush()
        self._session.add_all(
            MatchOfferRow(match_id=row.id, position=position, therapist_id=therapist_id, full=is_full)
            for position, (therapist_id, is_full) in enumerate(
                [(t, False) for t in offered] + [(t, True) for t in full]
            )
        )
        await self._session.flush()
        return row.id

    async def match_of(self, match_id: int, client_id: int) -> MatchRecord | None:
        row = await self._session.scalar(select(MatchRow).where(MatchRow.id == match_id, MatchRow.client_id == client_id))
        if row is None:
            return None
        offers = list(
            await self._session.scalars(
                select(MatchOfferRow).where(MatchOfferRow.match_id == match_id).order_by(MatchOfferRow.position)
            )
        )
        return MatchRecord(
            row.id,
            row.client_id,
            row.made_at,
            tuple(o.therapist_id for o in offers if not o.full),
            tuple(o.therapist_id for o in offers if o.full),
        )

    async def figures(self, start: datetime, end: datetime) -> MatchFigures:
        made = and_(MatchRow.made_at >= start, MatchRow.made_at < end)
        paid_after = exists(
            select(MatchOfferRow.match_id)
            .join(BookingRow, BookingRow.therapist_id == MatchOfferRow.therapist_id)
            .where(
                MatchOfferRow.match_id == MatchRow.id,
                BookingRow.client_id == MatchRow.client_id,
                BookingRow.paid_at.is_not(None),
                BookingRow.created_at >= MatchRow.made_at,
            )
        )
        counted = await self._session.execute(
            select(func.count(), func.count().filter(paid_after)).select_from(MatchRow).where(made)
        )
        total, paid = counted.one()
        return MatchFigures(total or 0, paid or 0)

    async def purge(self, made_before: datetime) -> int:
        return await rows_changed(self._session, delete(MatchRow).where(MatchRow.made_at < made_before))


def encode_answers(answers: Answers) -> str:
    return json.dumps(
        {
            "topics": list(answers.topics),
            "language": answers.language,
            "price_band": answers.price_band,
            "windows": [window.value for window in answers.windows],
            "approach": answers.approach,
        },
        sort_keys=True,
    )


def decode_answers(text: str) -> Answers:
    kept = json.loads(text)
    return Answers(
        topics=tuple(kept["topics"]),
        language=kept["language"],
        price_band=kept["price_band"],
        windows=tuple(Window(value) for value in kept["windows"]),
        approach=kept["approach"],
    )
