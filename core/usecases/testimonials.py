"""Keeping the testimonials applicants read: add, edit, reorder, remove."""
from __future__ import annotations

from enum import StrEnum

from core.clock import Clock
from core.ports import UnitOfWork
from core.testimonials import MAX_AUTHOR, MAX_TEXT, Testimonial


class UnknownTestimonial(Exception):
    pass


class TooLong(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


def clean_text(text: str) -> str:
    return _cleaned(text, MAX_TEXT)


def clean_author(author: str) -> str:
    return _cleaned(author, MAX_AUTHOR)


def _cleaned(value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValueError("empty")
    if len(value) > limit:
        raise TooLong(limit)
    return value


async def add_testimonial(uow: UnitOfWork, clock: Clock, *, author: str, text: str) -> Testimonial:
    testimonial = await uow.testimonials.add(clean_author(author), clean_text(text), clock.now())
    await uow.commit()
    return testimonial


async def edit_testimonial(
    uow: UnitOfWork, testimonial_id: int, *, author: str | None = None, text: str | None = None
) -> Testimonial:
    testimonial = await _get(uow, testimonial_id)
    if author is not None:
        testimonial.author = clean_author(author)
    if text is not None:
        testimonial.text = clean_text(text)
    await uow.testimonials.save(testimonial)
    await uow.commit()
    return testimonial


async def move_testimonial(uow: UnitOfWork, testimonial_id: int, direction: Direction) -> list[Testimonial]:
    """Swap with the neighbour above or below; at the edge nothing moves. Returns the new order."""
    ordered = await uow.testimonials.in_order()
    index = next((i for i, t in enumerate(ordered) if t.id == testimonial_id), None)
    if index is None:
        raise UnknownTestimonial(testimonial_id)
    other = index - 1 if direction is Direction.UP else index + 1
    if 0 <= other < len(ordered):
        mine, theirs = ordered[index], ordered[other]
        mine.position, theirs.position = theirs.position, mine.position
        await uow.testimonials.save(mine)
        await uow.testimonials.save(theirs)
        ordered[index], ordered[other] = theirs, mine
        await uow.commit()
    return ordered


async def remove_testimonial(uow: UnitOfWork, testimonial_id: int) -> None:
    await _get(uow, testimonial_id)
    await uow.testimonials.remove(testimonial_id)
    await uow.commit()


async def _get(uow: UnitOfWork, testimonial_id: int) -> Testimonial:
    testimonial = await uow.testimonials.get(testimonial_id)
    if testimonial is None:
        raise UnknownTestimonial(testimonial_id)
    return testimonial
