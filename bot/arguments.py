"""Numbers people type after a command, read before they reach the database.

A number beyond what an id column holds (8 bytes: INTEGER on SQLite, BIGINT on
PostgreSQL) would not be "not found" there but an error of the driver's.
"""
from __future__ import annotations

from enum import Enum

LARGEST_RECORD_NUMBER = 2**63 - 1


class NotANumber(Enum):
    MISSING = "missing"  # not digits at all
    TOO_LARGE = "too_large"  # digits, but no record can have that number


def record_number(text: str) -> int | NotANumber:
    """A record's number as typed: `12` or `#12`."""
    digits = text.strip().removeprefix("#")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not digits.isdecimal():
        return NotANumber.MISSING
    # The length first: int() of thousands of digits is refused by Python itself (and slow).
    if len(digits) > len(str(LARGEST_RECORD_NUMBER)) or int(digits) > LARGEST_RECORD_NUMBER:
        return NotANumber.TOO_LARGE
    return int(digits)
