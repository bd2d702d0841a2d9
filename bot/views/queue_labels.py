"""What each kind of timed message is called in /queue: words an admin reads, not the kind's internal key.

A new notice kind gets its line here (tests/bot/test_admin_queue.py fails for a kind without one); a kind
no longer declared but still in the table (an older release's) shows its key.
"""
from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

KIND_LABELS: dict[str, object] = {
    "booking.calendar": __("calendar files of sessions"),
    "booking.cancelled": __("cancelled sessions"),
    "booking.come_back": __("offers of the same time next week"),
    "booking.confirmed": __("confirmed sessions"),
    "booking.declined": __("declined requests"),
    "booking.ended": __("ended sessions"),
    "booking.expired": __("sessions not paid in time"),
    "booking.lapsed": __("requests left unanswered"),
    "booking.moved": __("moved sessions"),
    "booking.no_show": __("marks that a client did not come"),
    "booking.payment_reminder": __("payment reminders"),
    "booking.requested": __("new session requests"),
    "booking.session_reminder": __("session reminders"),
    "broadcast": __("broadcasts"),
    "cabinet.change_decided": __("decisions on profile changes"),
    "cabinet.change_proposed": __("profile changes to review"),
    "meetings.changed": __("new video links of sessions"),
    "meetings.room_wanted": __("requests for a video link"),
    "payments.clawback": __("payouts to settle after a refund"),
    "payments.force_majeure_asked": __("force-majeure questions to therapists"),
    "payments.force_majeure_offer": __("force-majeure offers to clients"),
    "payments.invoice": __("invoices"),
    "payments.paid": __("successful payments"),
    "payments.payout_paid": __("payouts sent"),
    "payments.refund_decided": __("refund decisions"),
    "payments.refund_desk": __("refunds for the team to carry out"),
    "payments.refund_opened": __("refunds on their way"),
    "payments.refund_to_decide": __("refunds to decide"),
    "payments.refunded": __("refunds done"),
    "payments.stars_refund": __("Stars given back"),
    "payments.stray": __("payments that could not pay a session"),
    "relay": __("chat messages between clients and therapists"),
    "relay-undelivered": __("chat messages that could not be delivered"),
    "roster.hidden": __("profiles hidden by the team"),
    "roster.paused": __("profiles paused"),
    "roster.shown": __("profiles shown again"),
    "staff.role_granted": __("roles granted"),
    "staff.role_revoked": __("roles taken away"),
    "support.closed": __("support tickets closed"),
    "support.header": __("support tickets opened"),
    "support.to_person": __("answers of support"),
    "support.to_staff": __("messages to support"),
    "support.undelivered": __("support messages not delivered"),
    "vetting.approved": __("applications approved"),
    "vetting.declined": __("applications declined"),
    "vetting.interview_confirmed": __("interviews confirmed"),
    "vetting.interview_invitation": __("interview invitations"),
    "vetting.interview_reminder": __("interview reminders"),
    "vetting.other_times_asked": __("requests for other interview times"),
    "vetting.published": __("profiles published"),
    "vetting.second_questionnaire": __("second questionnaires sent"),
    "vetting.second_submitted": __("second questionnaires filled in"),
    "vetting.submitted": __("new applications"),
    "vetting.untouched": __("applications waiting too long"),
    "waitlist.returned": __("waitlists: a therapist back from vacation"),
    "waitlist.time_opened": __("waitlists: a time opened"),
}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind  # the lazy text, in the reader's language
