"""MSME class by investment AND turnover under the limits in force on a date; written rupees."""

from datetime import date

import pytest

from suppliermatch.dates import today_in_india
from suppliermatch.reference.enterprise_class import (
    CRORE,
    LAKH,
    MSME_THRESHOLDS,
    AmountError,
    classify_enterprise,
    parse_inr,
    thresholds_on,
)

APRIL_2025 = date(2025, 4, 1)
MARCH_2025 = date(2025, 3, 31)


def test_at_the_2025_micro_limits_an_enterprise_is_micro():
    assert classify_enterprise(25 * CRORE // 10, 10 * CRORE, on=APRIL_2025) == "micro"


def test_one_rupee_over_either_micro_limit_makes_it_small():
    assert classify_enterprise(25 * CRORE // 10 + 1, 1 * CRORE, on=APRIL_2025) == "small"
    assert classify_enterprise(1 * CRORE, 10 * CRORE + 1, on=APRIL_2025) == "small"


def test_the_larger_of_the_two_criteria_decides():
    # Investment of a micro enterprise, turnover of a medium one.
    assert classify_enterprise(50 * LAKH, 300 * CRORE, on=APRIL_2025) == "medium"


@pytest.mark.parametrize(
    ("investment", "turnover", "expected"),
    [
        (25 * CRORE, 100 * CRORE, "small"),
        (125 * CRORE, 500 * CRORE, "medium"),
        (125 * CRORE + 1, 10 * CRORE, "large"),
        (10 * CRORE, 500 * CRORE + 1, "large"),
        (0, 0, "micro"),
    ],
)
def test_2025_limits(investment, turnover, expected):
    assert classify_enterprise(investment, turnover, on=APRIL_2025) == expected


def test_the_day_before_the_2025_revision_uses_the_2020_limits():
    # Rs 2 crore of machinery was small under the 2020 limits and micro from April 2025.
    assert classify_enterprise(2 * CRORE, 4 * CRORE, on=MARCH_2025) == "small"
    assert classify_enterprise(2 * CRORE, 4 * CRORE, on=APRIL_2025) == "micro"
    assert classify_enterprise(60 * CRORE, 100 * CRORE, on=MARCH_2025) == "large"


def test_without_a_date_todays_limits_apply():
    assert classify_enterprise(2 * CRORE, 8 * CRORE) == classify_enterprise(
        2 * CRORE, 8 * CRORE, on=today_in_india()
    )


def test_no_rule_is_on_file_before_july_2020():
    with pytest.raises(ValueError, match="before 2020-07-01"):
        classify_enterprise(1, 1, on=date(2020, 6, 30))


def test_thresholds_are_dated_and_cite_their_notification():
    assert thresholds_on(APRIL_2025).source.startswith("Ministry of MSME notification S.O. 1364(E)")
    assert thresholds_on(MARCH_2025).in_force_from == date(2020, 7, 1)
    for thresholds in MSME_THRESHOLDS:
        names = [limit.name for limit in thresholds.limits]
        assert names == ["micro", "small", "medium"]


def test_negative_or_fractional_amounts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        classify_enterprise(-1, 0, on=APRIL_2025)
    with pytest.raises(TypeError):
        classify_enterprise(2.5, 0, on=APRIL_2025)


@pytest.mark.parametrize(
    ("written", "rupees"),
    [
        ("2.5 cr", 25_000_000),
        ("2.5 Cr.", 25_000_000),
        ("40 lakh", 4_000_000),
        ("1.5 Lacs", 150_000),
        ("Rs 1,20,00,000", 12_000_000),
        ("Rs. 12,000,000", 12_000_000),
        ("₹ 12,00,000/-", 1_200_000),
        ("INR 3 crore", 30_000_000),
        ("75000", 75_000),
        ("50k", 50_000),
        ("99.50", 100),
        (500, 500),
    ],
)
def test_amounts_as_people_write_them(written, rupees):
    assert parse_inr(written) == rupees


@pytest.mark.parametrize(
    ("written", "complaint"),
    [
        ("", "amount is required"),
        ("about two crore", "cannot read"),
        ("5 bucks", 'unknown unit "bucks"'),
        ("-5 lakh", "cannot read"),
        ("1..2 cr", "cannot read"),
        (True, "must be a number"),
        (-3, "cannot be negative"),
    ],
)
def test_unreadable_amounts_say_why(written, complaint):
    with pytest.raises(AmountError) as caught:
        parse_inr(written, field="turnover")
    assert complaint in caught.value.message
    assert caught.value.field == "turnover"


def test_written_amounts_classify_an_enterprise():
    investment, turnover = parse_inr("2 cr"), parse_inr("800 lakh")
    assert classify_enterprise(investment, turnover, on=APRIL_2025) == "micro"
