"""The MSMED Act's payment rules and section 43B(h), as reference.msmed states them."""

from datetime import date

import pytest

from suppliermatch.reference import msmed


def test_an_agreed_term_runs_from_acceptance_and_is_capped_at_45_days():
    accepted = date(2026, 1, 10)
    assert msmed.due_date(accepted, 30) == date(2026, 2, 9)
    assert msmed.due_date(accepted, 90) == date(2026, 2, 24)  # 45 days, not 90


def test_with_no_written_agreement_payment_is_due_15_days_after_acceptance():
    assert msmed.due_date(date(2026, 1, 10), None) == date(2026, 1, 25)


def test_without_objection_the_delivery_day_is_the_day_of_deemed_acceptance():
    delivered = date(2026, 3, 2)
    assert msmed.acceptance_day(delivered, None) == delivered
    assert msmed.deemed_acceptance_final_on(delivered) == date(2026, 3, 17)


def test_an_objection_moves_acceptance_to_the_day_it_is_removed():
    assert msmed.acceptance_day(date(2026, 3, 2), date(2026, 3, 20)) == date(2026, 3, 20)


def test_the_bank_rate_is_the_one_in_force_on_the_day():
    assert msmed.bank_rate_on(date(2025, 6, 5)).percent == 6.25
    assert msmed.bank_rate_on(date(2025, 6, 6)).percent == 5.75
    assert "RBI" in msmed.bank_rate_on(date(2026, 1, 1)).source
    with pytest.raises(ValueError):
        msmed.bank_rate_on(date(2019, 1, 1))


def test_interest_is_three_times_the_bank_rate_compounded_monthly():
    # Rs 1,00,000 due 1 Jul 2025, paid 1 Sep 2025: two monthly rests at 17.25% a year
    # (3 x 5.75%): 1,00,000 x (1 + 0.1725/12)^2 - 1,00,000 = Rs 2,895.66.
    assert msmed.interest_percent(date(2025, 7, 2)) == pytest.approx(17.25)
    assert msmed.interest_paise(10_000_000, date(2025, 7, 1), date(2025, 9, 1)) == 289_566


def test_days_after_the_last_rest_earn_simple_interest_and_paying_on_time_earns_none():
    # Ten days late: 1,00,000 x 0.1725 x 10 / 365 = Rs 472.60.
    assert msmed.interest_paise(10_000_000, date(2025, 7, 1), date(2025, 7, 11)) == 47_260
    assert msmed.interest_paise(10_000_000, date(2025, 7, 1), date(2025, 7, 1)) == 0


def test_medium_enterprises_have_no_claim_to_interest():
    assert msmed.interest_applies("micro") and msmed.interest_applies("small")
    assert not msmed.interest_applies("medium")
    assert not msmed.interest_applies(None)


def test_section_43bh_covers_micro_and_small_but_not_traders_or_medium():
    assert msmed.section_43bh_applies("micro", "manufacturing")
    assert msmed.section_43bh_applies("small", "services")
    assert not msmed.section_43bh_applies("small", "trading")
    assert not msmed.section_43bh_applies("medium", "manufacturing")
