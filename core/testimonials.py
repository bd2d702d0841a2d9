"""Therapists' words about working here, shown to applicants who ask why they should join."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

MAX_TEXT = 1000
MAX_AUTHOR = 100


@dataclass
class Testimonial:
    id: int
    author: str
    text: str
    position: int
    added_at: datetime


class TestimonialRepository(Protocol):
    async def in_order(self) -> list[Testimonial]: ...

    async def get(self, testimonial_id: int) -> Testimonial | None: ...

    async def add(self, author: str, text: str, at: datetime) -> Testimonial:
        """Added last in the order."""

    async def save(self, testimonial: Testimonial) -> None: ...

    async def remove(self, testimonial_id: int) -> None: ...
