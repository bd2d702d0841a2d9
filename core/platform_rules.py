"""The numbers of the platform's rules as its texts state them, each taken from its rule in core: a changed rule
changes every text that states it, the bot's and the web pages' alike (the texts take them as placeholders,
through ngettext; the pages read them as `rules`)."""
from __future__ import annotations

from datetime import timedelta

from core.rules.business_days import PAYOUT_BUSINESS_DAYS
from core.rules.requirements import MIN_CERTIFIED_HOURS, MIN_PRACTICE_YEARS
from core.rules.windows import FREE_CANCELLATION, PAYMENT_DUE_BEFORE_START
from core.usecases.vetting import GOES_LIVE_WITHIN


def _hours(window: timedelta) -> int:
    return int(window / timedelta(hours=1))


FREE_CANCELLATION_HOURS = _hours(FREE_CANCELLATION)  # cancelled at least this long ahead costs nothing
PAYMENT_DUE_HOURS = _hours(PAYMENT_DUE_BEFORE_START)  # paid at the latest this long before the session
PAYOUT_DAYS = PAYOUT_BUSINESS_DAYS  # business days from the platform's payment to the therapist's pay
LIVE_FEWEST_DAYS, LIVE_MOST_DAYS = GOES_LIVE_WITHIN  # business days from approval to a live profile

__all__ = [
    "FREE_CANCELLATION_HOURS",
    "LIVE_FEWEST_DAYS",
    "LIVE_MOST_DAYS",
    "MIN_CERTIFIED_HOURS",
    "MIN_PRACTICE_YEARS",
    "PAYMENT_DUE_HOURS",
    "PAYOUT_DAYS",
]
