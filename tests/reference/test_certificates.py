"""Certificate catalogue and the rule for when a held certificate counts."""

from datetime import date
from types import SimpleNamespace

import pytest

from suppliermatch.reference.certificates import (
    CertificateCatalogueError,
    counts_on,
    default_catalogue,
    parse_certificates,
    satisfies,
)

BENCH_CODES = {
    "ISO9001",
    "IATF16949",
    "AS9100",
    "NADCAP_HT",
    "NADCAP_CP",
    "NABL17025",
    "ISO14001",
    "ISO45001",
    "ISO50001",
    "ZED_BRONZE",
    "ZED_SILVER",
    "ZED_GOLD",
    "PCB_CTO",
    "EWASTE_AUTH",
}
NEEDED_BY = date(2026, 8, 30)


def held(code, status="certified", valid_until=date(2027, 3, 31)):
    return SimpleNamespace(code=code, status=status, valid_until=valid_until)


def test_catalogue_knows_every_benchmark_code_with_validity_and_categories():
    catalogue = default_catalogue()
    assert set(catalogue.codes) == BENCH_CODES
    for code in BENCH_CODES:
        cert = catalogue.get(code)
        assert cert.validity_years > 0 and cert.issuer_type and cert.signals and cert.categories


@pytest.mark.parametrize(
    ("held_code", "required", "expected"),
    [
        ("ZED_GOLD", "ZED_SILVER", True),
        ("ZED_GOLD", "ZED_BRONZE", True),
        ("ZED_SILVER", "ZED_BRONZE", True),
        ("ZED_SILVER", "ZED_SILVER", True),
        ("ZED_BRONZE", "ZED_SILVER", False),
        ("ZED_SILVER", "ZED_GOLD", False),
        ("ISO9001", "ISO9001", True),
        ("IATF16949", "ISO9001", False),
        ("ISO9001", "ZED_BRONZE", False),
    ],
)
def test_higher_zed_level_satisfies_a_lower_one_and_nothing_else_substitutes(
    held_code, required, expected
):
    assert satisfies(held_code, required) is expected


def test_certificate_counts_up_to_and_including_its_expiry_day():
    assert counts_on("certified", NEEDED_BY, NEEDED_BY)
    assert not counts_on("certified", date(2026, 8, 29), NEEDED_BY)


@pytest.mark.parametrize("status", ["expired", "applied", "audit_scheduled", "suspended"])
def test_only_certified_status_counts(status):
    assert not counts_on(status, date(2030, 1, 1), NEEDED_BY)


def test_certificate_without_expiry_cannot_count():
    assert not counts_on("certified", None, NEEDED_BY)


def test_matching_certificate_prefers_the_exact_code_over_a_higher_level():
    catalogue = default_catalogue()
    found = catalogue.matching_certificate(
        [held("ZED_GOLD", valid_until=date(2029, 1, 1)), held("ZED_SILVER")],
        "ZED_SILVER",
        NEEDED_BY,
    )
    assert found.code == "ZED_SILVER"


def test_matching_certificate_skips_lapsed_and_pending_ones():
    catalogue = default_catalogue()
    certificates = [
        held("ISO9001", valid_until=date(2026, 1, 1)),
        held("ISO9001", status="applied", valid_until=date(2029, 1, 1)),
    ]
    assert catalogue.matching_certificate(certificates, "ISO9001", NEEDED_BY) is None


@pytest.mark.parametrize(
    ("written", "code"),
    [("ISO 9001:2015", "ISO9001"), ("zed gold", "ZED_GOLD"), ("ISO/IEC 17025", "NABL17025")],
)
def test_written_names_map_to_codes(written, code):
    assert default_catalogue().code_for(written) == code


def test_display_name_is_the_short_name_people_use():
    catalogue = default_catalogue()
    assert catalogue.display_name("IATF16949") == "IATF 16949"
    assert catalogue.display_name("UNKNOWN_CODE") == "UNKNOWN_CODE"


def entry(code, **extra):
    base = {
        "code": code,
        "name": code,
        "issuer_type": "body",
        "signals": "something",
        "validity_years": 3,
    }
    base.update(extra)
    return base


def test_duplicate_codes_are_rejected():
    with pytest.raises(CertificateCatalogueError, match="duplicate"):
        parse_certificates({"version": 1, "certificates": [entry("ISO9001"), entry("ISO9001")]})


def test_validity_must_be_a_positive_number_of_years():
    with pytest.raises(CertificateCatalogueError, match="validity_years"):
        parse_certificates({"version": 1, "certificates": [entry("ISO9001", validity_years=0)]})


def test_two_certificates_on_one_ladder_level_are_rejected():
    ladder = {"family": "ZED", "level": 1}
    with pytest.raises(CertificateCatalogueError, match="ladder level"):
        parse_certificates(
            {
                "version": 1,
                "certificates": [entry("A", ladder=ladder), entry("B", ladder=ladder)],
            }
        )
