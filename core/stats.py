"""What the platform's figures are made of, as storage reads it (core/rules/platform_figures.py computes)."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.rules.platform_figures import (
    BookingRecord,
    EarningRecord,
    FirstPayment,
    RefundRecord,
    TherapistRecord,
)


class StatsRepository(Protocol):
    async def therapists(self) -> list[TherapistRecord]: ...

    async def bookings_between(self, start: datetime, end: datetime) -> list[BookingRecord]:
        """Bookings made, or starting, within [start, end)."""

    async def first_payments(self, start: datetime, end: datetime) -> list[FirstPayment]:
        """Each client and therapist with a session paid within [start, end), with the client's first payment to them."""

    async def earnings(self, start: datetime, end: datetime) -> list[EarningRecord]:
        """Payouts not withdrawn (the session was not refunded) for sessions starting within [start, end)."""

    async def granted_refunds(self, start: datetime, end: datetime) -> list[RefundRecord]:
        """Refunds approved or carried out whose decision fell within [start, end)."""

    async def applications_by_step(self) -> dict[str, int]: ...
