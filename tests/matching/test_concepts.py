"""Reading processes out of the words MSMEs and buyers actually write."""

import pytest

from suppliermatch.matching.engine.concepts import ConceptMatcher, default_matcher
from suppliermatch.reference.taxonomy import default_taxonomy, parse_taxonomy


def offered(text):
    return {m.process for m in default_matcher().find_in_supplier_text(text) if not m.equipment}


@pytest.mark.parametrize(
    ("text", "process"),
    [
        ("WEDM", "wire_edm"),
        ("EDM wire cut", "wire_edm"),  # word order
        ("spark erosion", "wire_edm"),
        ("Ni/Cu/Ni plating", "nicuni_plating"),
        ("nickel-copper-nickel electroplating", "nicuni_plating"),
        ("Zn electroplating", "zinc_plating"),
        ("GBD (Dy/Tb)", "grain_boundary_diffusion"),
        ("HD process", "hydrogen_decrepitation"),
        ("moly heating strips", "heating_elements"),
        ("magnetizing fixtures", "magnetisation"),  # American spelling
        ("centerless grinding", "grinding"),
        ("O/N/C gas analysis", "chemical_analysis"),
        ("B-H curve measurement", "magnetic_property_testing"),
        ("HAST / PCT autoclave testing", "corrosion_testing"),
        ("e-waste dismantling", "ewaste_dismantling"),
        ("ZLD systems", "effluent_treatment"),
    ],
)
def test_synonyms_abbreviations_and_spellings_name_the_same_process(text, process):
    assert offered(text) == {process}


@pytest.mark.parametrize(
    ("text", "process"),
    [
        ("grain buondary diffusion", "grain_boundary_diffusion"),
        ("REE leacihng and solvent extraction", "hydrometallurgical_recovery"),
        ("arogn and nitrogen supply", "industrial_gases"),
        ("theromcouples type K / S / B", "thermocouples"),
    ],
)
def test_swapped_letters_are_repaired(text, process):
    assert offered(text) == {process}


def test_an_unlisted_modifier_before_a_known_activity_still_names_it():
    assert offered("cryogenic grinding") == {"grinding"}


def test_equipment_lists_are_not_offers():
    mentions = default_matcher().find_in_supplier_text(
        "We offer zinc plating. Facilities: 2 wire EDM machines, a Zeiss CMM."
    )
    assert {m.process for m in mentions if not m.equipment} == {"zinc_plating"}
    assert {m.process for m in mentions if m.equipment} == {"wire_edm", "dimensional_inspection"}


@pytest.mark.parametrize(
    "filler",
    [
        "Tier-2 supplier to EV motor makers.",
        "Located near the industrial estate.",
        "We also do general fabrication.",
        "Serving auto OEMs since 2004. Export quality.",
        "Proprietor-run unit with 31 staff. ISO certified unit.",
    ],
)
def test_filler_names_no_process(filler):
    assert offered(filler) == set()


def test_the_more_specific_reading_of_a_clause_wins():
    assert offered("magnetising fixtures") == {"magnetisation"}
    assert offered("thermocouple and pyrometer calibration") == {"calibration"}
    assert offered("die pressing in a field") == {"field_pressing"}
    assert offered("non-magnetic press dies") == {"press_dies"}


def test_a_process_named_only_as_the_material_worked_on_is_not_offered():
    assert offered("acid leaching of magnet scrap") == {"hydrometallurgical_recovery"}
    assert offered("hydrogen decrepitation of strip cast alloy") == {"hydrogen_decrepitation"}
    assert offered("supply of argon gas") == {"industrial_gases"}


def test_separate_clauses_name_separate_processes():
    assert offered("Pune based unit. wire EDM; vacuum annealing, CMM inspection.") == {
        "wire_edm",
        "vacuum_heat_treatment",
        "dimensional_inspection",
    }


def test_brackets_keep_a_listed_clause_whole():
    mentions = default_matcher().find_in_supplier_text("temperature sensors (thermocouple, RTD)")
    assert [m.phrase for m in mentions] == ["temperature sensors (thermocouple, RTD)"]


def test_requirement_title_outweighs_a_test_mentioned_in_the_body():
    found = default_matcher().find_in_requirement(
        "Ni-Cu-Ni plating vendor needed",
        "Coating 15-20 um, 72 h neutral salt spray.",
        "coatings",
    )
    assert found.process == "nicuni_plating"
    assert "corrosion_testing" in found.alternatives


def test_requirement_category_breaks_a_tie():
    matcher = default_matcher()
    assert matcher.find_in_requirement("salt spray and zinc plating", "", "coatings").process == (
        "zinc_plating"
    )
    assert matcher.find_in_requirement("salt spray and zinc plating", "", "testing").process == (
        "corrosion_testing"
    )


def test_requirement_without_a_known_process_says_so():
    found = default_matcher().find_in_requirement("laser engraving of serial numbers")
    assert found.process is None


def test_categories_are_read_from_keywords():
    assert "coatings" in default_matcher().categories_in("Surface finishing and painting shop")


def test_a_custom_taxonomy_is_matched_by_its_own_words():
    taxonomy = parse_taxonomy(
        {
            "version": 1,
            "categories": [
                {
                    "slug": "coatings",
                    "name": "Coatings",
                    "processes": [
                        {"slug": "anodising", "name": "Anodising", "synonyms": ["hard anodizing"]}
                    ],
                }
            ],
        }
    )
    matcher = ConceptMatcher(taxonomy)
    assert {m.process for m in matcher.find_in_supplier_text("Hard anodising of Al parts")} == {
        "anodising"
    }
    assert default_taxonomy().has_process("anodising") is False


@pytest.mark.parametrize(
    "word", ["bends", "protection", "planing", "pleasure", "radiator", "space", "planters"]
)
def test_a_correct_word_of_the_language_is_never_repaired_into_a_taxonomy_word(word):
    matcher = default_matcher()
    assert matcher.normaliser.repair(word) == word


@pytest.mark.parametrize(
    "text",
    [
        "flower pots, garden planters",  # pots are things, potting is the service
        "CNC metal cutting machines",  # machine tools, not CNC machining job work
        "zinc plates",
        "Pipe bends and elbows",
    ],
)
def test_a_process_is_not_read_from_a_fragment_of_a_product_name(text):
    assert offered(text) == set()


def test_a_process_named_by_its_activity_before_a_noun_still_stands():
    assert offered("Zinc and Ni-Cu-Ni plating lines") == {"zinc_plating", "nicuni_plating"}
    mentions = default_matcher().find_in_supplier_text("Facilities: 2 wire EDM machines")
    assert {m.process for m in mentions if m.equipment} == {"wire_edm"}


def test_generic_words_alone_name_no_category():
    analysis = default_matcher().analyse_supplier_text(
        "Hydraulic press machine. Job work undertaken."
    )
    assert analysis.categories == frozenset()
    assert offered("Hydraulic press machine. Job work undertaken.") == set()


def test_words_in_an_except_note_are_not_read():
    assert offered("Copper alloy castings (except die-castings, vacuum heat treatment)") <= {
        "strip_casting"
    }
    assert "vacuum_heat_treatment" not in offered("Kilns (except vacuum heat treatment)")


def test_words_after_a_not_are_not_read():
    assert offered("Ni-Cu-Ni plated magnets") == {"nicuni_plating"}
    assert offered("Sintered NdFeB magnets not Ni-Cu-Ni plated") == set()
    # The negation ends with its clause: the next one is read as usual.
    assert offered("Magnets not coated, Ni-Cu-Ni plating") == {"nicuni_plating"}


def test_a_requirement_named_by_one_shared_word_is_not_a_confident_reading():
    found = default_matcher().find_in_requirement("Lamps (i.e., lighting fixtures), commercial")
    assert not found.confident
    assert default_matcher().find_in_requirement("RFQ - wire cut EDM job work").confident
