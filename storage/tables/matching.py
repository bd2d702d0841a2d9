"""What "Help me choose" keeps: a client's answers, and a record of each match made (whom it named)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base
from storage.tables.sealed import SealedText


class MatchAnswersRow(Base):
    """One row a client, for as long as they keep their answers."""

    __tablename__ = "match_answers"

    client_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # The answers as JSON (storage/repositories/matching.py): what brings the client to therapy, sealed at rest.
    answers: Mapped[str] = mapped_column(SealedText)
    fill_requests: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime]


class MatchRow(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True)
    made_at: Mapped[datetime] = mapped_column(index=True)


class MatchOfferRow(Base):
    """A therapist a match named: offered (with a free time) or found full (to wait for)."""

    __tablename__ = "match_offers"

    match_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("therapists.telegram_id", ondelete="CASCADE"), index=True
    )
    full: Mapped[bool] = mapped_column(Boolean, default=False)
