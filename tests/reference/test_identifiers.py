"""GSTIN, PAN, Udyam and PIN code validation: a clean value, or a message saying what is wrong."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suppliermatch.reference.identifiers import (
    GST_STATE_CODES,
    GSTIN_ALPHABET,
    PAN_HOLDER_TYPES,
    IdentifierError,
    gst_state_name,
    gstin_check_character,
    pan_from_gstin,
    validate_gstin,
    validate_pan,
    validate_pincode,
    validate_udyam,
)

VALIDATORS = (validate_gstin, validate_pan, validate_udyam, validate_pincode)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def message_of(validator, value) -> str:
    with pytest.raises(IdentifierError) as caught:
        validator(value)
    return caught.value.message


# -- GSTIN ----------------------------------------------------------------------------


@pytest.mark.parametrize("gstin", ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4"])
def test_published_gstins_are_valid(gstin):
    assert validate_gstin(gstin) == gstin


def test_gstin_is_trimmed_and_upper_cased():
    assert validate_gstin("  27aapfu0939f1zv\n") == "27AAPFU0939F1ZV"


def test_check_character_of_published_examples():
    assert gstin_check_character("27AAPFU0939F1Z") == "V"
    assert gstin_check_character("29AAGCB7383J1Z") == "4"


def test_wrong_check_character_names_the_right_one():
    assert message_of(validate_gstin, "27AAPFU0939F1ZX") == (
        "GSTIN check character should be V, got X"
    )


def test_short_gstin_says_how_long_it_is():
    assert message_of(validate_gstin, "27AAPFU0939F1Z") == "GSTIN must be 15 characters, got 14"


@pytest.mark.parametrize("state_code", ["99", "00", "28", "40"])
def test_state_code_outside_the_gst_list_is_refused(state_code):
    body = state_code + "AAPFU0939F1Z"
    gstin = body + gstin_check_character(body)
    assert message_of(validate_gstin, gstin) == f"state code {state_code} is not a GST state code"


def test_non_digit_state_code_is_refused():
    assert "2-digit state code" in message_of(validate_gstin, "ABAAPFU0939F1ZV")


def test_digit_inside_the_pan_letters_is_pointed_at():
    message = message_of(validate_gstin, "27AAP1U0939F1ZV")
    assert message == "GSTIN character 6 (part of the PAN) should be a letter, got 1"


def test_unknown_pan_holder_type_inside_gstin_is_refused():
    body = "27AAPXU0939F1Z"
    message = message_of(validate_gstin, body + gstin_check_character(body))
    assert "PAN holder type" in message and "got X" in message


def test_entity_number_zero_is_refused():
    body = "27AAPFU0939F0Z"
    message = message_of(validate_gstin, body + gstin_check_character(body))
    assert "character 13" in message and "got 0" in message


def test_punctuation_in_gstin_is_refused():
    assert message_of(validate_gstin, "27AAPFU-939F1ZV") == (
        "GSTIN may contain only letters and digits, got -"
    )


def test_pan_and_state_come_out_of_a_gstin():
    assert pan_from_gstin("27aapfu0939f1zv") == "AAPFU0939F"
    assert gst_state_name("29AAGCB7383J1Z4") == "Karnataka"


def test_pan_from_an_invalid_gstin_raises():
    with pytest.raises(IdentifierError):
        pan_from_gstin("27AAPFU0939F1ZX")


# -- PAN -------------------------------------------------------------------------------


def test_valid_pan_is_normalised():
    assert validate_pan(" aapfu0939f ") == "AAPFU0939F"


@pytest.mark.parametrize(
    ("pan", "expected"),
    [
        ("AAPFU0939", "PAN must be 10 characters, got 9"),
        ("AAPFU09X9F", "PAN character 8 should be a digit, got X"),
        ("AAPFU09399", "PAN character 10 should be a letter, got 9"),
    ],
)
def test_malformed_pan_says_what_is_wrong(pan, expected):
    assert message_of(validate_pan, pan) == expected


def test_pan_with_unknown_holder_type_is_refused():
    assert "PAN holder type" in message_of(validate_pan, "AAPZU0939F")


# -- Udyam ------------------------------------------------------------------------------


def test_valid_udyam_number_is_normalised():
    assert validate_udyam(" udyam-kr-03-0065095 ") == "UDYAM-KR-03-0065095"


@pytest.mark.parametrize(
    "udyam", ["UDYAM-KR-3-0065095", "UDYAM KR 03 0065095", "UDYAM-KR-03-006509", "KR-03-0065095"]
)
def test_malformed_udyam_number_shows_the_expected_shape(udyam):
    assert "must look like UDYAM-XX-00-0000000" in message_of(validate_udyam, udyam)


def test_udyam_number_with_unknown_state_letters_is_refused():
    assert message_of(validate_udyam, "UDYAM-ZZ-03-0065095").startswith(
        "ZZ is not a Udyam state code"
    )


# -- PIN code -----------------------------------------------------------------------------


def test_valid_pincode_is_trimmed():
    assert validate_pincode(" 761008 ") == "761008"


@pytest.mark.parametrize(
    ("pincode", "expected"),
    [
        ("61008", "PIN code must be 6 digits, got 5 digits"),
        ("0761008", "PIN code must be 6 digits, got 7 digits"),
        ("061008", "PIN code cannot start with 0"),
        ("76100A", "PIN code may contain only digits, got 76100A"),
        ("७६१००८", "PIN code may contain only digits, got ७६१००८"),
    ],
)
def test_malformed_pincode_says_what_is_wrong(pincode, expected):
    assert message_of(validate_pincode, pincode) == expected


# -- shared behaviour -----------------------------------------------------------------------


@pytest.mark.parametrize("validator", VALIDATORS)
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_value_is_required(validator, value):
    assert message_of(validator, value).endswith("is required")


@pytest.mark.parametrize("validator", VALIDATORS)
def test_non_text_is_refused_with_a_message(validator):
    assert "must be text" in message_of(validator, 560001)


def test_error_carries_the_field_it_was_raised_for():
    with pytest.raises(IdentifierError) as caught:
        validate_gstin("bad", field="supplier_gstin")
    assert caught.value.field == "supplier_gstin"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("validator", VALIDATORS)
@given(text=st.text(max_size=40))
def test_arbitrary_text_raises_nothing_but_identifier_error(validator, text):
    try:
        validator(text)
    except IdentifierError as error:
        assert error.message


@given(text=st.text(min_size=14, max_size=14))
def test_check_character_of_arbitrary_text_raises_only_identifier_error(text):
    with contextlib.suppress(IdentifierError):
        assert gstin_check_character(text) in GSTIN_ALPHABET


# A GSTIN built as the GSTN specifies: state code, PAN, entity number, Z, check character.
valid_gstin_bodies = st.builds(
    lambda state, first3, holder, fifth, digits, last, entity: (
        state + first3 + holder + fifth + digits + last + entity + "Z"
    ),
    st.sampled_from(sorted(GST_STATE_CODES)),
    st.text(LETTERS, min_size=3, max_size=3),
    st.sampled_from(sorted(PAN_HOLDER_TYPES)),
    st.sampled_from(LETTERS),
    st.text(DIGITS, min_size=4, max_size=4),
    st.sampled_from(LETTERS),
    st.sampled_from("123456789" + LETTERS),
)


@given(body=valid_gstin_bodies)
def test_gstin_with_computed_check_character_always_passes(body):
    gstin = body + gstin_check_character(body)
    assert validate_gstin(gstin.lower()) == gstin
    assert pan_from_gstin(gstin) == validate_pan(gstin[2:12])


@given(body=valid_gstin_bodies, data=st.data())
def test_corrupted_check_character_always_fails(body, data):
    right = gstin_check_character(body)
    wrong = data.draw(st.sampled_from(GSTIN_ALPHABET.replace(right, "")))
    with pytest.raises(IdentifierError) as caught:
        validate_gstin(body + wrong)
    assert caught.value.message == f"GSTIN check character should be {right}, got {wrong}"


@given(body=valid_gstin_bodies, data=st.data())
def test_any_single_mistyped_character_is_caught(body, data):
    gstin = body + gstin_check_character(body)
    position = data.draw(st.integers(0, 13))
    replacement = data.draw(st.sampled_from(GSTIN_ALPHABET.replace(gstin[position], "")))
    with pytest.raises(IdentifierError):
        validate_gstin(gstin[:position] + replacement + gstin[position + 1 :])


# -- against an independent implementation ------------------------------------------------------

stdnum_gstin = pytest.importorskip("stdnum.in_.gstin")


@given(
    state=st.sampled_from(sorted(GST_STATE_CODES)),
    letters=st.text(LETTERS, min_size=5, max_size=5),
    holder=st.sampled_from(sorted(PAN_HOLDER_TYPES)),
    digits=st.text(DIGITS, min_size=4, max_size=4),
    last=st.sampled_from(LETTERS),
    entity=st.sampled_from(GSTIN_ALPHABET[1:]),
    check=st.sampled_from(GSTIN_ALPHABET),
)
def test_gstin_validation_agrees_with_python_stdnum(
    state, letters, holder, digits, last, entity, check
):
    """One source of truth (identifiers.py, whose messages say what is wrong), checked
    against python-stdnum's GSTIN rules where the two are meant to agree: stdnum also
    refuses a 14th character other than Z (which GSTN reserves, not forbids), a PAN
    serial of 0000, and state codes it does not list."""
    gstin = f"{state}{letters[:3]}{holder}{letters[4]}{digits}{last}{entity}Z{check}"
    ours = True
    try:
        validate_gstin(gstin)
    except IdentifierError:
        ours = False
    theirs = stdnum_gstin.is_valid(gstin)
    if digits != "0000" and state in stdnum_gstin._STATE_CODES:
        assert ours == theirs, gstin
