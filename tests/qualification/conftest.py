"""Fixtures for qualification: anchor X's requirement awarded to MSME A (the payments one)."""

from tests.payments import conftest as payment_fixtures

cast = payment_fixtures.cast
rfq = payment_fixtures.rfq
award = payment_fixtures.award
