"""The platform's tables (SQLAlchemy 2 typed ORM), a module per topic.

Rows stay inside storage; repositories hand the domain its own dataclasses.
Every topic module is imported here so that one metadata knows all tables.
"""
from storage.tables.applications import ApplicationEventRow, ApplicationRow
from storage.tables.base import Base, UtcDateTime
from storage.tables.bookings import BookingRow
from storage.tables.broadcasts import BroadcastRow
from storage.tables.conversations import ChatFocusRow, ConversationRow, RelayedMessageRow
from storage.tables.inbox import ChatLeaseRow, InboxUpdateRow
from storage.tables.matching import MatchAnswersRow, MatchOfferRow, MatchRow
from storage.tables.outbox import TimedMessageRow
from storage.tables.payments import ClawbackRow, PaymentRow, PayoutRow, RefundRow
from storage.tables.people import FsmStateRow, UserRoleRow, UserRow
from storage.tables.profile_changes import ProfileChangeRow
from storage.tables.staff import AuditRow, StaffRoleRow
from storage.tables.support import SupportRelayRow, SupportTicketRow, SupportTopicRow
from storage.tables.testimonials import TestimonialRow
from storage.tables.therapists import TherapistRow, TherapistTagRow, VacationRow, WorkingHoursRow
from storage.tables.waitlist import WaitlistEntryRow

__all__ = [
    "ApplicationEventRow",
    "ApplicationRow",
    "AuditRow",
    "Base",
    "BookingRow",
    "BroadcastRow",
    "ChatFocusRow",
    "ChatLeaseRow",
    "ClawbackRow",
    "ConversationRow",
    "FsmStateRow",
    "InboxUpdateRow",
    "MatchAnswersRow",
    "MatchOfferRow",
    "MatchRow",
    "PaymentRow",
    "PayoutRow",
    "ProfileChangeRow",
    "RefundRow",
    "RelayedMessageRow",
    "StaffRoleRow",
    "SupportRelayRow",
    "SupportTicketRow",
    "SupportTopicRow",
    "TestimonialRow",
    "TherapistRow",
    "TherapistTagRow",
    "TimedMessageRow",
    "UserRoleRow",
    "UserRow",
    "UtcDateTime",
    "VacationRow",
    "WaitlistEntryRow",
    "WorkingHoursRow",
]
