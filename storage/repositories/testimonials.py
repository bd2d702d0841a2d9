from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.testimonials import Testimonial
from storage.tables import TestimonialRow


class SqlTestimonialRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def in_order(self) -> list[Testimonial]:
        rows = await self._session.scalars(select(TestimonialRow).order_by(TestimonialRow.position, TestimonialRow.id))
        return [_testimonial(row) for row in rows]

    async def get(self, testimonial_id: int) -> Testimonial | None:
        row = await self._session.get(TestimonialRow, testimonial_id)
        return _testimonial(row) if row is not None else None

    async def add(self, author: str, text: str, at: datetime) -> Testimonial:
        last = await self._session.scalar(select(func.max(TestimonialRow.position)))
        row = TestimonialRow(author=author, text=text, position=(last or 0) + 1, added_at=at)
        self._session.add(row)
        await self._session.flush()
        return _testimonial(row)

    async def save(self, testimonial: Testimonial) -> None:
        await self._session.execute(
            update(TestimonialRow)
            .where(TestimonialRow.id == testimonial.id)
            .values(author=testimonial.author, text=testimonial.text, position=testimonial.position)
        )

    async def remove(self, testimonial_id: int) -> None:
        await self._session.execute(delete(TestimonialRow).where(TestimonialRow.id == testimonial_id))


def _testimonial(row: TestimonialRow) -> Testimonial:
    return Testimonial(row.id, row.author, row.text, row.position, row.added_at)
