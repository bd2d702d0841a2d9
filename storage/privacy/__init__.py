"""Each topic's part of a person's data, for /mydata and deletion requests (core/privacy.py).

A topic that stores something about a person adds its section here. The
account goes last: the other parts point to it.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import DataSection
from storage.privacy.account import AccountData
from storage.privacy.applications import ApplicationData
from storage.privacy.audit import AuditData
from storage.privacy.bookings import BookingData
from storage.privacy.broadcasts import BroadcastData
from storage.privacy.conversations import ConversationData
from storage.privacy.outbox import OutboxData
from storage.privacy.payments import PaymentData
from storage.privacy.profile_changes import ProfileChangeData
from storage.privacy.staff import StaffData
from storage.privacy.support import SupportData
from storage.privacy.therapist import TherapistData


def personal_data(session: AsyncSession) -> list[DataSection]:
    return [
        PaymentData(session),  # money records stay, re-pointed; they name bookings, not the other way round
        BookingData(session),  # before the profiles: kept bookings are re-pointed, the rest go
        ConversationData(session),
        ApplicationData(session),
        StaffData(session),
        SupportData(session),
        BroadcastData(session),
        ProfileChangeData(session),  # before the profile they point to
        TherapistData(session),
        OutboxData(session),
        AuditData(session),
        AccountData(session),  # last
    ]
