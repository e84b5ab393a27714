"""Duplicate enterprises are found with evidence a coordinator can check; namesakes are not;
records without a place are compared; one organisation's sites are related, not merged."""

import csv

import pytest

from suppliermatch.paths import MATCHING_BENCH_DIR, PATSTAT_BENCH_DIR
from suppliermatch.suppliers.duplicates import model as fs
from suppliermatch.suppliers.duplicates.bench import read_bench_set
from suppliermatch.suppliers.duplicates.detector import (
    LIKELY_DUPLICATE_SCORE,
    Relation,
    SupplierRecord,
    compare_records,
    duplicate_groups,
    duplicates_of,
    find_duplicates,
    normalise_name,
    normalise_phone,
)
from suppliermatch.suppliers.duplicates.names import word_difference


def supplier(id, name, **fields) -> SupplierRecord:
    defaults = {
        "pincode": "751078",
        "district": "Khordha",
        "state": "Odisha",
    }
    return SupplierRecord(id=id, name=name, **{**defaults, **fields})


def pair_ids(pairs) -> set[frozenset]:
    return {frozenset((pair.first_id, pair.second_id)) for pair in pairs}


# -- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Sri Ganesh Engineering Works Private Limited",
        "Shri Ganesh Engg. Works Pvt. Ltd.",
        "SHREE GANESH ENGINEERING WORKS (P) LTD",
        "M/s. Sree Ganesh Engg Works Pvt Ltd",
        "Sri Ganesh Engineering Works Priavte Limited",
    ],
)
def test_spellings_of_one_company_name_normalise_alike(spelling):
    name = normalise_name(spelling)
    assert name.written == "sri ganesh engineering works"
    assert name.legal_form == "company"


def test_ampersand_and_word_and_are_the_same_and_partnership_suffix_goes():
    assert normalise_name("Rao & Sons & Co").written == normalise_name("Rao and Sons").written


def test_llp_is_recognised_as_its_own_legal_form():
    assert normalise_name("Kalinga Tools LLP").legal_form == "llp"
    assert normalise_name("Kalinga Tools").legal_form is None


def test_a_name_that_is_only_a_suffix_word_is_kept():
    assert normalise_name("Limited").written == "limited"


@pytest.mark.parametrize(
    "written", ["+91 98765 43210", "098765-43210", "919876543210", "9876543210"]
)
def test_phone_numbers_written_differently_normalise_alike(written):
    assert normalise_phone(written) == ("+919876543210",)


@pytest.mark.parametrize(
    ("written", "legal_form"),
    [
        ("Robert Bosch GmbH", "foreign"),
        ("Koninklijke Philips N.V.", "foreign"),
        ("ASML Netherlands B.V.", "foreign"),
        ("Bosch Inc.", "foreign"),
        ("Bosch Corp", "foreign"),
    ],
)
def test_foreign_legal_forms_are_removed_before_names_are_compared(written, legal_form):
    name = normalise_name(written)
    assert name.legal_form == legal_form
    assert "gmbh" not in name.tokens and "v" not in name.tokens and "inc" not in name.tokens


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Konink Philips Electronics", "Koninklijke Philips Electronics"),  # shortened
        ("Internat Mij Res Shell", "International Maatschappij Research Shell"),
        ("Akzo Nobel", "Akzo Novel"),  # one slip in a long word
        ("Unilever", "Unilver"),
        ("Fresh Start Daycare", "Fresh Start Day Care"),  # spacing
        ("Albany Park Comm Ctr", "Albany Park Community Center"),
    ],
)
def test_the_same_words_spelled_or_shortened_differently(first, second):
    difference = word_difference(normalise_name(first), normalise_name(second))
    assert difference.same_words, difference


@pytest.mark.parametrize(
    ("first", "second", "only_in_first", "only_in_second"),
    [
        ("Firman House West", "Firman House East", ("west",), ("east",)),  # short words
        ("Rachel's Learning Center 1", "Rachel's Learning Center 2", ("1",), ("2",)),
        ("Nixon", "Dixon", ("nixon",), ("dixon",)),  # a changed first letter
        ("Burr", "Burroughs", ("burr",), ("burroughs",)),  # no word shared to shorten by
    ],
)
def test_a_different_word_is_not_a_respelling(first, second, only_in_first, only_in_second):
    difference = word_difference(normalise_name(first), normalise_name(second))
    assert (difference.only_in_first, difference.only_in_second) == (
        only_in_first,
        only_in_second,
    )


def test_evidence_names_the_words_that_differ():
    west = SupplierRecord(id=1, name="Firman Community Services - Firman House West")
    east = SupplierRecord(id=2, name="Firman Community Services Firman House East")
    (pair,) = find_duplicates([west, east], min_score=0.0)
    assert (
        "names 98% alike after removing legal suffixes; 'west' where the other has 'east'"
        in pair.evidence
    )
    fuller = SupplierRecord(id=3, name="Firman Community Services Firman House West Annexe")
    (pair,) = find_duplicates([west, fuller], min_score=0.0)
    assert pair.evidence[0].endswith("one name's words are all in the other, which adds 'annexe'")


def test_sites_whose_names_differ_by_a_word_and_share_a_phone_are_related_sites():
    west = supplier("S1", "Firman House West", phone="0674 2345678")
    east = supplier("S2", "Firman House East", phone="0674 2345678")
    (pair,) = find_duplicates([west, east], min_score=0.0)
    assert pair.relation == Relation.RELATED_SITES
    assert pair.evidence[0].startswith("related sites of one organisation: share 'firman house'")


def test_a_legal_form_word_inside_the_name_is_removed_too():
    assert normalise_name("Akzo Naamloze Vennootschap Nobel").written == "akzo nobel"


# -- pairs that are duplicates ------------------------------------------------------------


def test_re_registration_without_gstin_is_a_likely_duplicate_with_evidence():
    original = supplier(
        "S1",
        "Narmada Labs Private Limited",
        gstin="27AAPFU0939F1ZV",
        udyam="UDYAM-OD-34-6651287",
        phone="+91 9838055894",
        email="contact@narmadalabs.in",
    )
    again = supplier(
        "S2",
        "NARMADA LABS PVT. LTD.",
        udyam="UDYAM-OD-34-6651287",
        phone="09838055894",
        email="info@gmail.com",
    )
    (pair,) = find_duplicates([original, again])
    assert (pair.first_id, pair.second_id) == ("S1", "S2")
    assert pair.likely and pair.score >= LIKELY_DUPLICATE_SCORE
    assert "same Udyam number UDYAM-OD-34-6651287" in pair.evidence
    assert "same phone +91 98380 55894" in pair.evidence
    assert "names identical after removing legal suffixes" in pair.evidence
    assert "same PIN code 751078" in pair.evidence


def test_same_pan_registered_in_two_states_is_one_enterprise():
    home = supplier(
        "S1", "Apex Industries", gstin="27AAPFU0939F1ZV", district="Pune", state="Maharashtra"
    )
    branch = supplier(
        "S2", "Apex Inds", gstin="29AAPFU0939F1ZS", district="Belagavi", state="Karnataka"
    )
    (pair,) = find_duplicates([home, branch])
    assert pair.likely
    assert "same PAN AAPFU0939F" in pair.evidence


def test_misspelled_name_with_shared_phone_is_found():
    first = supplier("S1", "Vishwakarma Enterprises", phone="9629246321")
    second = supplier("S2", "Vishwakrama Enterprises", phone="+91 96292 46321")
    (pair,) = find_duplicates([first, second])
    assert pair.likely
    assert (
        "names 96% alike after removing legal suffixes; "
        "the same words, spelled or shortened differently"
    ) in pair.evidence


def test_udyam_number_one_keystroke_apart_counts_for_not_against():
    first = supplier("S1", "Utkal Automation", udyam="UDYAM-OD-34-6651287", phone="9838055894")
    second = supplier("S2", "Utkal Automation", udyam="UDYAM-OD-34-6651281", phone="9838055894")
    pair = compare_records(first, second)
    assert pair.likely
    assert any("differ by one character" in e for e in pair.evidence)


# -- pairs that are not ------------------------------------------------------------------


def test_namesakes_in_one_district_with_their_own_pans_are_not_reported():
    first = supplier("S1", "Sri Industries Pvt Ltd", gstin="27AAPFU0939F1ZV", phone="9000000001")
    second = supplier("S2", "Sri Industries Pvt Ltd", gstin="29AAGCB7383J1Z4", phone="9000000002")
    assert find_duplicates([first, second]) == []
    scored = compare_records(first, second)
    assert "different PANs AAPFU0939F and AAGCB7383J" in scored.evidence
    assert scored.score < 0.01


def test_namesakes_in_different_states_with_nothing_shared_are_not_for_review():
    first = supplier("S1", "Prime Tools")
    second = supplier("S2", "Prime Tools", pincode="380081", district="Ahmedabad", state="Gujarat")
    assert find_duplicates([first, second]) == []
    (compared,) = find_duplicates([first, second], min_score=0.0)
    assert "different states (Odisha, Gujarat)" in compared.evidence


def test_same_name_and_place_alone_is_for_review_not_a_likely_duplicate():
    first = supplier("S1", "Deccan Industries")
    second = supplier("S2", "Deccan Industries")
    (pair,) = find_duplicates([first, second])
    assert not pair.likely
    assert pair.score >= 0.5


def test_llp_and_company_of_the_same_name_count_against_each_other():
    company = supplier("S1", "Kaveri Tools Pvt Ltd", phone="9953492152")
    llp = supplier("S2", "Kaveri Tools LLP", phone="9953492152")
    plain = supplier("S3", "Kaveri Tools", phone="9953492152")
    conflicting = compare_records(company, llp)
    assert "one is an LLP, the other a company" in conflicting.evidence
    assert conflicting.score < compare_records(company, plain).score


def test_a_phone_many_firms_share_makes_no_likely_pair_of_unlike_names():
    consultant = "+91 9123456780"
    firms = [
        supplier(f"S{n}", name, phone=consultant)
        for n, name in enumerate(
            [
                "Rao Labs",
                "Mehta Castings",
                "Iyer Coatings",
                "Patel Forgings",
                "Das Gases",
                "Sahu Polymers",
                "Nair Controls",
            ]
        )
    ]
    assert not any(pair.likely for pair in find_duplicates(firms, min_score=0.0))


def test_one_enterprises_many_registrations_under_one_phone_are_all_found():
    registrations = [
        supplier(f"S{n}", name, phone="0674 2345678", pincode=None, district=None)
        for n, name in enumerate(
            ["Utkal Alloys", "Utkal Alloys Pvt Ltd", "UTKAL ALLOYS", "Utkal Aloys", "Utkal Alloys"]
            + ["M/s Utkal Alloys", "Utkal Alloys Private Limited", "Utkal Alloy"]
        )
    ]
    groups = duplicate_groups(find_duplicates(registrations))
    assert groups == [{f"S{n}" for n in range(8)}]


def test_a_phone_shared_by_two_firms_with_unlike_names_is_not_likely():
    first = supplier("S1", "Rao Labs", phone="9123456780")
    second = supplier("S2", "Mehta Castings", phone="9123456780")
    assert not compare_records(first, second).likely


def test_free_mail_domain_is_not_evidence_but_a_company_domain_is():
    on_gmail = compare_records(
        supplier("S1", "Apex Tools", email="a@gmail.com"),
        supplier("S2", "Apex Tools", email="b@gmail.com"),
    )
    on_own_domain = compare_records(
        supplier("S1", "Apex Tools", email="a@apextools.in"),
        supplier("S2", "Apex Tools", email="b@apextools.in"),
    )
    assert not any("email" in e for e in on_gmail.evidence)
    assert "same email domain apextools.in" in on_own_domain.evidence
    assert on_own_domain.score > on_gmail.score


# -- the list as a whole -------------------------------------------------------------------


def test_pairs_come_best_first_and_respect_the_minimum_score():
    records = [
        supplier("A1", "Jay Labs Private Limited", udyam="UDYAM-OD-19-6822111"),
        supplier("A2", "JAY LABS PVT. LTD.", udyam="UDYAM-OD-19-6822111"),
        supplier("B1", "Surya Components"),
        supplier("B2", "Surya Components"),
        supplier("C1", "Om Coatings", pincode="530010", district="Visakhapatnam"),
    ]
    everything = find_duplicates(records, min_score=0.0)
    assert [p.score for p in everything] == sorted((p.score for p in everything), reverse=True)
    assert pair_ids(find_duplicates(records, min_score=0.9)) == {frozenset(("A1", "A2"))}
    assert frozenset(("B1", "B2")) in pair_ids(find_duplicates(records, min_score=0.5))


def test_duplicates_of_a_new_record_lists_only_its_pairs_with_it_first():
    existing = [
        supplier("S1", "Mehta Udyog (P) Ltd", phone="9470578355"),
        supplier("S2", "Ganesh Udyog", phone="9495780786"),
        supplier("S3", "Ganesh Udyog Pvt Ltd", phone="9495780786"),
    ]
    new = supplier("NEW", "Mehta Udyog Private Limited", phone="+91 94705 78355")
    pairs = duplicates_of(new, existing)
    assert [(p.first_id, p.second_id) for p in pairs] == [("NEW", "S1")]


def test_records_without_identifiers_or_place_do_not_break_detection():
    bare = [
        SupplierRecord(id=1, name=""),
        SupplierRecord(id=2, name="  "),
        SupplierRecord(id=3, name="X"),
    ]
    assert find_duplicates(bare) == []


# -- no place, a rare word anywhere, related sites ------------------------------------------------


def test_names_alone_without_any_place_are_compared():
    first = SupplierRecord(id=1, name="Kalinga Magnetics")
    second = SupplierRecord(id=2, name="KALINGA MAGNETICS PVT LTD")
    (pair,) = find_duplicates([first, second], min_score=0.0)
    assert pair.evidence == ("names identical after removing legal suffixes",)
    # A shared name and nothing else is not yet worth a coordinator's look.
    assert find_duplicates([first, second]) == []


def test_a_distinctive_word_later_in_the_name_still_brings_two_records_together():
    first = SupplierRecord(id=1, name="Board of Trustees of Acmeware College", phone="9437012345")
    second = SupplierRecord(id=2, name="Acmeware College", phone="9437012345")
    (pair,) = find_duplicates([first, second])
    assert "same phone +91 94370 12345" in pair.evidence


def test_two_sites_of_one_organisation_are_related_sites_not_a_duplicate():
    college = supplier("S1", "Acmeware College Training Centre", phone="0674 2345678")
    hostel = supplier("S2", "Acmeware College Hostel Block", phone="+91 674 234 5678")
    (pair,) = find_duplicates([college, hostel], min_score=0.0)
    assert pair.relation == Relation.RELATED_SITES
    assert not pair.likely
    assert pair.evidence[0].startswith(
        "related sites of one organisation: share 'acmeware college'"
    )


def test_weights_are_learned_from_a_large_enough_list_and_still_find_the_duplicate():
    # The matching benchmark's suppliers: 620 real-looking registrations, 20 of them twice.
    bench = MATCHING_BENCH_DIR / "suppliers.csv"
    if not bench.exists():
        pytest.skip("the shared matching benchmark is not on this machine")
    with bench.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    records = [
        SupplierRecord(
            id=row["supplier_ref"],
            name=row["name"],
            gstin=row["gstin"] or None,
            udyam=row["udyam"] or None,
            pincode=row["pincode"] or None,
            district=row["district"] or None,
            state=row["state"] or None,
            email=row["email"] or None,
            phone=row["phone"] or None,
        )
        for row in rows
    ]
    assert len(records) >= fs.MIN_RECORDS_TO_LEARN
    with (MATCHING_BENCH_DIR / "duplicates.csv").open(newline="", encoding="utf-8") as handle:
        truth = {
            frozenset((r["supplier_ref"], r["duplicate_of_ref"])) for r in csv.DictReader(handle)
        }
    likely = {frozenset((p.first_id, p.second_id)) for p in find_duplicates(records) if p.likely}
    assert likely == truth


def test_one_applicant_holding_a_quarter_of_a_real_list_is_found_as_one_enterprise():
    # PATSTAT: 2,379 real applicant names, nothing else; Philips holds 676 under 72
    # spellings, so one in twelve random pairs is Philips twice (see dedup_model.STAGES).
    folder = PATSTAT_BENCH_DIR
    if not folder.exists():
        pytest.skip("the shared PATSTAT benchmark is not on this machine")
    bench = read_bench_set(folder)
    groups = duplicate_groups(find_duplicates(bench.records))
    philips = {record_id for record_id, group in bench.group_of.items() if group == "26842439"}
    largest = max(groups, key=lambda members: len(members & philips))
    assert len(largest & philips) >= 0.9 * len(philips)
    assert {bench.group_of[member] for member in largest} == {"26842439"}


def test_postal_codes_of_other_lengths_are_compared_too():
    first = SupplierRecord(id=1, name="Acme Holdings", pincode="60608")
    same = SupplierRecord(id=2, name="Acme Holdings", pincode="60608")
    other = SupplierRecord(id=3, name="Acme Holdings", pincode="60623")
    (pair,) = find_duplicates([first, same], min_score=0.0)
    assert "same PIN code 60608" in pair.evidence
    (pair,) = find_duplicates([first, other], min_score=0.0)
    assert "different PIN codes (60608, 60623)" in pair.evidence
