"""Therapists' testimonials, in the order applicants read them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class TestimonialRow(Base):
    __tablename__ = "testimonials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # Not unique: reordering swaps two positions inside one transaction.
    position: Mapped[int] = mapped_column(Integer, index=True)
    added_at: Mapped[datetime]
