"""The profile rules on their own: clean values, every problem named, nothing raised."""

from hypothesis import given
from hypothesis import strategies as st

from suppliermatch.suppliers.profiles import rules
from tests.suppliers.conftest import ODISHA_GSTIN


def test_state_names_are_read_as_the_gst_portal_spells_them():
    assert rules.canonical_state("tamil nadu") == "Tamil Nadu"
    assert rules.canonical_state("TamilNadu") == "Tamil Nadu"
    assert rules.canonical_state("Orissa") == "Odisha"
    assert rules.canonical_state("J&K") == "Jammu and Kashmir"
    assert rules.canonical_state("Atlantis") is None


def test_state_is_taken_from_the_gstin_when_not_given():
    clean, problems = rules.clean_profile({"gstin": ODISHA_GSTIN})
    assert problems == {}
    assert (clean["state"], clean["pan"]) == ("Odisha", "AABCK1234F")


def test_one_coordinate_without_the_other_is_a_problem():
    _, problems = rules.clean_profile({"lat": 19.2})
    assert problems == {"lat": "give both latitude and longitude, or neither"}


def test_coordinates_outside_india_are_refused():
    _, problems = rules.clean_profile({"lat": 51.5, "lon": -0.1})
    assert set(problems) == {"lat", "lon"}


def test_tolerance_must_be_above_zero_and_capacity_not_negative():
    _, problems = rules.clean_capability(
        {"category": "cnc_machining", "best_tolerance_mm": 0, "capacity_per_month": -1}
    )
    assert problems == {
        "best_tolerance_mm": "must be greater than 0, got 0",
        "capacity_per_month": "must be at least 0, got -1",
    }


def test_a_process_alone_gives_its_category():
    clean, problems = rules.clean_capability({"category": None, "process": "wire_edm"})
    assert problems == {} and clean["category"] == "cnc_machining"


values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=3),
)


@given(st.dictionaries(st.sampled_from(rules.PROFILE_FIELDS), values, max_size=8))
def test_arbitrary_profile_values_give_clean_values_or_named_problems(data):
    clean, problems = rules.clean_profile(data)
    assert set(problems) <= set(rules.PROFILE_FIELDS)
    assert all(isinstance(message, str) and message for message in problems.values())


@given(
    st.dictionaries(
        st.sampled_from(
            ["category", "process", "description", "best_tolerance_mm", "materials"]
            + ["max_part_size_mm", "capacity_per_month", "capacity_unit"]
        ),
        values,
    )
)
def test_arbitrary_capability_values_give_clean_values_or_named_problems(data):
    _, problems = rules.clean_capability(data)
    assert all(isinstance(message, str) and message for message in problems.values())
