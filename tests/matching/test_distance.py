"""Great-circle distances."""

import math

import numpy as np
import pytest

from suppliermatch.matching.engine.geo import EARTH_RADIUS_KM, haversine_km, haversine_km_many


def test_one_degree_along_the_equator_is_about_111_km():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)


def test_bengaluru_to_chennai_is_about_290_km():
    assert haversine_km(12.97, 77.59, 13.08, 80.27) == pytest.approx(290, abs=5)


def test_many_at_once_agrees_with_one_at_a_time_and_keeps_missing_as_nan():
    lats = np.array([12.97, 18.52, np.nan])
    lons = np.array([77.59, 73.86, 75.0])
    many = haversine_km_many(lats, lons, 12.74, 77.83)
    assert many[0] == pytest.approx(haversine_km(12.97, 77.59, 12.74, 77.83))
    assert many[1] == pytest.approx(haversine_km(18.52, 73.86, 12.74, 77.83))
    assert np.isnan(many[2])
