"""The clock of timed messages: claims due rows from storage and hands them to delivery.

No aiogram here: delivery is a callable the composition root injects.
"""
from scheduler.claims import Claim, RetryPolicy
from scheduler.courier import Courier

__all__ = ["Claim", "Courier", "RetryPolicy"]
