"""Text normalisation: one token sequence for every way of writing the same words."""

import pytest

from suppliermatch.matching.engine.text import (
    fold,
    parse_tolerance_mm,
    raw_tokens,
    split_clauses,
    stem,
)


@pytest.mark.parametrize(
    "variants",
    [
        ("magnetising", "magnetisation", "magnetiser", "magnetizing", "magnetized"),
        ("coating", "coatings", "coated"),
        ("cutting", "cut"),
        ("dies", "die"),
        ("heaters", "heating", "heater"),
        ("calibration", "calibrated", "calibrate"),
    ],
)
def test_variants_of_a_word_share_a_stem(variants):
    assert len({stem(fold(word)) for word in variants}) == 1


def test_different_words_keep_different_stems():
    assert stem("magnetic") != stem("magnetising")
    assert stem("milling") == "mill" and stem("pressing") == "press"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Ni/Cu/Ni", ["nicuni"]),
        ("Ni-Cu-Ni", ["nicuni"]),
        ("O/N/C", ["onc"]),
        ("B-H curve", ["bh", "curve"]),
        ("(BH)max", ["bhmax"]),
        ("type K / S / B", ["type", "ksb"]),
        ("e-waste", ["ewaste"]),
        ("Centerless", ["centreless"]),
        ("aluminum", ["aluminium"]),
    ],
)
def test_written_forms_become_one_token_sequence(text, tokens):
    assert raw_tokens(text) == tokens


def test_clauses_split_at_commas_and_semicolons_but_not_inside_brackets_or_numbers():
    clauses = list(
        split_clauses("Sensors (thermocouple, RTD); wire EDM, 0.01 mm accuracy. Grinding")
    )
    assert [c.text for c in clauses] == [
        "Sensors (thermocouple, RTD)",
        "wire EDM",
        "0.01 mm accuracy",
        "Grinding",
    ]


def test_sentences_after_an_equipment_heading_are_marked_as_equipment():
    clauses = list(split_clauses("We offer plating. Facilities: 2 VMC, a CMM. Export quality."))
    assert [(c.text, c.equipment) for c in clauses] == [
        ("We offer plating", False),
        ("2 VMC", True),
        ("a CMM", True),
        ("Export quality", False),
    ]


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("tol. \u00b10.005 mm", 0.005),
        ("Tolerance +/-0.05 mm", 0.05),
        ("accuracy 50 micron", 0.05),
        ("Toelrance up to 0.1 mm", 0.1),
        ("Flatness and size within 0.02 mm", 0.02),
        ("accuracy 10 micron, tol 0.02 mm", 0.01),
        ("Coating 15-20 \u00b5m, 72 h salt spray", None),
        ("a 600x400 surface grinder", None),
        ("", None),
    ],
)
def test_tolerance_is_read_only_where_the_text_states_one(text, mm):
    assert parse_tolerance_mm(text) == (pytest.approx(mm) if mm else None)
