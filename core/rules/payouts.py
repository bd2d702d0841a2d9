"""What a therapist is owed for a paid session, and when.

The platform keeps a fee, set in basis points (hundredths of a percent), so a
fee like 17.5 % stays integer arithmetic. The therapist's money falls due 3
Ukrainian business days after the platform receives the payment
(core/rules/business_days.py: payout_due_date).
"""
from __future__ import annotations

FULL = 10_000  # basis points in 100 %


def platform_fee(price_minor: int, fee_basis_points: int) -> int:
    if price_minor < 0:
        raise ValueError("a price is never negative")
    if not 0 <= fee_basis_points <= FULL:
        raise ValueError(f"a fee is 0 to {FULL} basis points, got {fee_basis_points}")
    # Rounded down to a whole kopiyka: a fraction of a kopiyka goes to the therapist, never to the platform.
    return price_minor * fee_basis_points // FULL


def therapist_share(price_minor: int, fee_basis_points: int) -> int:
    """The price less the platform's fee, in kopiyky."""
    return price_minor - platform_fee(price_minor, fee_basis_points)
