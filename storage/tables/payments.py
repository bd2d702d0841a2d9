"""Payments, refunds, payouts and clawbacks: the platform's money records.

They outlive the people and bookings they name (a booking deleted with its
account leaves its payment behind with no booking), so money can always be
accounted for. Amounts are integers in the currency's smallest unit.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base
from storage.tables.sealed import SealedText

ID = BigInteger().with_variant(Integer, "sqlite")


class PaymentRow(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(ID, ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    payer_id: Mapped[int] = mapped_column(BigInteger)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # The unique key that makes a repeated successful_payment change nothing.
    telegram_payment_charge_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider_payment_charge_id: Mapped[str | None] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(16))
    use: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime]


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    # One refund per payment: money is never given back twice.
    payment_id: Mapped[int] = mapped_column(ID, ForeignKey("payments.id"), unique=True)
    booking_id: Mapped[int | None] = mapped_column(ID, ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime]
    requested_by: Mapped[int | None] = mapped_column(BigInteger)
    request_text: Mapped[str | None] = mapped_column(SealedText)  # the client's own words
    therapist_agrees: Mapped[bool | None] = mapped_column(Boolean)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decision_note: Mapped[str | None] = mapped_column(SealedText)
    decided_at: Mapped[datetime | None]
    carried_out_by: Mapped[int | None] = mapped_column(BigInteger)
    carry_out_note: Mapped[str | None] = mapped_column(SealedText)
    carried_out_at: Mapped[datetime | None]
    failure: Mapped[str | None] = mapped_column(String(500))


class PayoutRow(Base):
    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(BigInteger, index=True)
    booking_id: Mapped[int | None] = mapped_column(ID, ForeignKey("bookings.id", ondelete="SET NULL"))
    # One payout per payment.
    payment_id: Mapped[int] = mapped_column(ID, ForeignKey("payments.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    reference: Mapped[str | None] = mapped_column(String(100))
    paid_at: Mapped[datetime | None]
    paid_by: Mapped[int | None] = mapped_column(BigInteger)


class ClawbackRow(Base):
    __tablename__ = "clawbacks"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(BigInteger)
    payout_id: Mapped[int] = mapped_column(ID, ForeignKey("payouts.id"))
    # A refund claws its payout back once.
    refund_id: Mapped[int] = mapped_column(ID, ForeignKey("refunds.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    settled_by: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
