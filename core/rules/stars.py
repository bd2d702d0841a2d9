"""A price in hryvnias, paid in Telegram Stars.

Stars are whole: Telegram charges and refunds them in units of one star. The
rate is a setting (STARS_PER_UAH, kept here as stars per 100 UAH so that it
stays an integer). The therapist's payout does not depend on it: it is always
counted from the price in kopiyky.
"""
from __future__ import annotations

KOPIYKY_PER_100_UAH = 10_000


def stars_for(price_minor: int, stars_per_100_uah: int) -> int:
    """The whole number of stars a price in kopiyky costs, never less than one."""
    if price_minor <= 0:
        raise ValueError("a price to pay is positive")
    if stars_per_100_uah <= 0:
        raise ValueError("the stars rate is positive")
    # Rounded up to a whole star: the platform never receives less than the price.
    return max(1, -(-price_minor * stars_per_100_uah // KOPIYKY_PER_100_UAH))
