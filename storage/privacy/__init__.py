"""Each topic's part of a person's data, for /mydata and deletion requests (core/privacy.py).

A topic that stores something about a person adds its section here, naming the tables it exports and
erases (`tables`). The account goes last: the other parts point to it. A table about people that no
section covers is declared in OUTSIDE_SECTIONS with the reason; tests/unit/test_privacy_coverage.py
fails for one that is in neither.
"""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import DataSection
from storage.privacy.account import AccountData
from storage.privacy.applications import ApplicationData
from storage.privacy.audit import AuditData
from storage.privacy.bookings import BookingData
from storage.privacy.broadcasts import BroadcastData
from storage.privacy.conversations import ConversationData
from storage.privacy.inbox import InboxData
from storage.privacy.matching import MatchingData
from storage.privacy.outbox import OutboxData
from storage.privacy.payments import PaymentData
from storage.privacy.profile_changes import ProfileChangeData
from storage.privacy.staff import StaffData
from storage.privacy.support import SupportData
from storage.privacy.therapist import TherapistData


class TableSection(DataSection, Protocol):
    @property
    def tables(self) -> tuple[str, ...]:
        """The tables whose rows about the person it exports and erases."""


# Tables about people that are in no section's `tables`, and what becomes of them instead.
OUTSIDE_SECTIONS: dict[str, str] = {
    "chat_focus": "whom a therapist is writing to, ids only: deleted with the conversation (ON DELETE CASCADE)",
    "relayed_messages": (
        "which copy of a shared-chat message went where, ids only (the messages are in Telegram): "
        "deleted with the conversation (ON DELETE CASCADE)"
    ),
    "fsm_states": (
        "the step a person has not finished: /mydata exports it and deletion clears it through the "
        "conversation's own state (bot/handlers/privacy.py)"
    ),
}


def personal_data(session: AsyncSession) -> list[TableSection]:
    return [
        PaymentData(session),  # money records stay, re-pointed; they name bookings, not the other way round
        BookingData(session),  # before the profiles: kept bookings are re-pointed, the rest go
        ConversationData(session),
        MatchingData(session),
        ApplicationData(session),
        StaffData(session),
        SupportData(session),
        BroadcastData(session),
        ProfileChangeData(session),  # before the profile they point to
        TherapistData(session),
        OutboxData(session),
        InboxData(session),
        AuditData(session),
        AccountData(session),  # last
    ]
