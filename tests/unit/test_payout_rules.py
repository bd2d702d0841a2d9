"""What a therapist is owed, when, and what a price costs in Telegram Stars.

Dates were checked against holidays 0.109: before martial law Ukrainian public
holidays were days off; since 2022 they are working days, so only weekends count.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.payments import InvoiceReference, PaymentMethod, PaymentPolicy
from core.rules.business_days import is_business_day, payout_due_date
from core.rules.payouts import platform_fee, therapist_share
from core.rules.stars import stars_for

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.mark.parametrize(
    ("price", "fee_bp", "share"),
    [
        (120_000, 2_000, 96_000),  # 1 200 ₴ at 20 %: 960 ₴
        (120_000, 0, 120_000),  # no fee
        (120_000, 10_000, 0),  # the whole price
        (99_999, 1_750, 82_500),  # 17.5 % of 999.99 ₴ is 174.99825 ₴: the fee rounds down to 174.99 ₴
        (1, 5_000, 1),  # half a kopiyka of fee goes to the therapist
    ],
)
def test_the_therapist_gets_the_price_less_the_fee_rounded_in_their_favour(price, fee_bp, share):
    assert therapist_share(price, fee_bp) == share


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10_000))
def test_fee_and_share_add_up_to_the_price_in_whole_kopiyky(price, fee_bp):
    fee = platform_fee(price, fee_bp)
    assert fee + therapist_share(price, fee_bp) == price
    assert 0 <= fee <= price
    assert fee * 10_000 <= price * fee_bp < (fee + 1) * 10_000  # never more than the percent, less by under a kopiyka


@pytest.mark.parametrize("fee_bp", [-1, 10_001])
def test_a_fee_outside_0_to_100_percent_is_a_mistake(fee_bp):
    with pytest.raises(ValueError):
        platform_fee(100_00, fee_bp)


def test_a_friday_payment_before_two_public_holidays_is_due_the_next_friday():
    # 3 May 2021 (Labour Day, moved off Saturday) and 4 May 2021 (Easter Monday, moved off Sunday) were days off.
    paid = datetime(2021, 4, 30, 15, 0, tzinfo=KYIV)
    assert not is_business_day(date(2021, 5, 3)) and not is_business_day(date(2021, 5, 4))
    assert payout_due_date(paid) == date(2021, 5, 7)


def test_since_martial_law_only_weekends_are_skipped():
    # Fri 1 May 2026 is Labour Day, a working day under martial law: Fri → Mon, Tue, Wed.
    assert payout_due_date(datetime(2026, 4, 30, 12, 0, tzinfo=KYIV)) == date(2026, 5, 5)
    assert payout_due_date(datetime(2026, 5, 1, 12, 0, tzinfo=KYIV)) == date(2026, 5, 6)


def test_the_due_date_counts_from_the_payments_day_in_kyiv():
    # 23:30 UTC on Thursday is already Friday in Kyiv.
    assert payout_due_date(datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert payout_due_date(datetime(2026, 11, 26, 20, 0, tzinfo=UTC)) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("price", "rate", "stars"),
    [
        (120_000, 150, 1_800),  # 1 200 ₴ at 1.5 ⭐ per hryvnia
        (100, 150, 2),  # 1 ₴ is 1.5 ⭐: rounded up to 2
        (1, 150, 1),  # never less than one star
        (99_999, 100, 1_000),  # 999.99 ₴ at 1 ⭐ per hryvnia: 999.99 ⭐ rounds up
    ],
)
def test_a_price_in_stars_is_whole_and_never_less_than_the_price(price, rate, stars):
    assert stars_for(price, rate) == stars


@given(st.integers(min_value=1, max_value=10**8), st.integers(min_value=1, max_value=100_000))
def test_stars_cover_the_price_by_less_than_one_star(price, rate):
    stars = stars_for(price, rate)
    assert stars * 10_000 >= price * rate
    assert stars == 1 or (stars - 1) * 10_000 < price * rate


def test_the_policy_charges_stars_with_stars_and_hryvnias_otherwise():
    stars = PaymentPolicy(PaymentMethod.STARS, fee_basis_points=2_000, stars_per_100_uah=150)
    card = PaymentPolicy(PaymentMethod.PROVIDER, fee_basis_points=2_000)
    assert (stars.currency, stars.charge_for(120_000), stars.share_of(120_000)) == ("XTR", 1_800, 96_000)
    assert (card.currency, card.charge_for(120_000), card.share_of(120_000)) == ("UAH", 120_000, 96_000)


@pytest.mark.parametrize("payload", ["b12v3", "b1v1", "b123456789012345678v999999999"])
def test_an_invoice_payload_names_its_booking_and_version(payload):
    reference = InvoiceReference.parse(payload)
    assert reference is not None and reference.payload == payload
    assert 1 <= len(reference.payload.encode()) <= 128


@pytest.mark.parametrize("payload", ["", "b12", "v3", "b12v3x", "B12V3", "b-1v1", "12v3", "b1v1 ", "b1v1\n"])
def test_anything_else_is_not_our_payload(payload):
    assert InvoiceReference.parse(payload) is None
