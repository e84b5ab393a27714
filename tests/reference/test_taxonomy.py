"""The capability taxonomy: coherent seeds, exact look-ups, and clear errors for bad files."""

import json

import pytest

from suppliermatch.reference.taxonomy import (
    TaxonomyError,
    default_taxonomy,
    load_taxonomy,
    parse_taxonomy,
    plain_phrase,
    seeds_dir,
)

BENCH_CATEGORIES = {
    "furnace_parts",
    "cnc_machining",
    "heat_treatment",
    "coatings",
    "testing",
    "recycling",
    "upstream",
    "magnet_support",
    "packaging",
    "services",
}


def minimal(**overrides):
    data = {
        "version": 3,
        "categories": [
            {
                "slug": "coatings",
                "name": "Coatings",
                "nic_codes": [{"code": "2592", "title": "Treatment and coating of metals"}],
                "processes": [
                    {"slug": "zinc", "name": "Zinc plating", "synonyms": ["zn plating"]},
                    {
                        "slug": "nicuni",
                        "name": "NiCuNi plating",
                        "synonyms": ["nickel copper nickel plating"],
                        "related": ["zinc"],
                    },
                ],
            }
        ],
    }
    data.update(overrides)
    return data


def test_seed_taxonomy_has_every_benchmark_category_with_processes():
    taxonomy = default_taxonomy()
    assert isinstance(taxonomy.version, int)
    assert {c.slug for c in taxonomy.categories} == BENCH_CATEGORIES
    for category in taxonomy.categories:
        assert taxonomy.processes_in(category.slug), category.slug


def test_every_seed_process_belongs_to_its_category_and_has_synonyms():
    taxonomy = default_taxonomy()
    for process in taxonomy.processes:
        assert process.slug in taxonomy.category(process.category).process_slugs
        assert process.synonyms, process.slug


def test_related_processes_are_symmetric():
    taxonomy = default_taxonomy()
    for process in taxonomy.processes:
        for other in process.related:
            assert process.slug in taxonomy.related(other), (process.slug, other)


def test_relation_declared_on_one_side_is_seen_from_both():
    taxonomy = parse_taxonomy(minimal())
    assert taxonomy.related("zinc") == {"nicuni"}
    assert taxonomy.related("nicuni") == {"zinc"}


@pytest.mark.parametrize(
    ("phrase", "slug"),
    [
        ("Wire-cut EDM job work", "wire_edm"),
        ("WEDM", "wire_edm"),
        ("Ni-Cu-Ni plating", "nicuni_plating"),
        ("GRAIN BOUNDARY DIFFUSION", "grain_boundary_diffusion"),
        ("hydrogen decrepitation", "hydrogen_decrepitation"),
    ],
)
def test_lookup_phrase_ignores_case_and_punctuation(phrase, slug):
    process = default_taxonomy().lookup_phrase(phrase)
    assert process is not None and process.slug == slug


def test_lookup_of_an_unknown_phrase_finds_nothing():
    assert default_taxonomy().lookup_phrase("underwater basket weaving") is None


def test_mentioned_processes_finds_whole_phrases_only():
    taxonomy = default_taxonomy()
    found = {p.slug for p in taxonomy.mentioned_processes("We do vacuum annealing and CMM checks.")}
    assert found == {"vacuum_heat_treatment", "dimensional_inspection"}
    assert not taxonomy.mentioned_processes("vacuumannealing")


def test_nic_sub_class_maps_to_the_categories_of_its_class():
    slugs = {c.slug for c in default_taxonomy().categories_for_nic("25920")}
    assert {"cnc_machining", "heat_treatment", "coatings"} <= slugs
    assert {c.slug for c in default_taxonomy().categories_for_nic("3830")} == {"recycling"}


def test_unknown_slug_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no_such_process"):
        default_taxonomy().process("no_such_process")


def test_relation_to_an_unknown_process_is_rejected():
    data = minimal()
    data["categories"][0]["processes"][0]["related"] = ["chrome"]
    with pytest.raises(TaxonomyError, match="unknown process 'chrome'"):
        parse_taxonomy(data)


def test_synonym_claimed_by_two_processes_is_rejected():
    data = minimal()
    data["categories"][0]["processes"][1]["synonyms"].append("Zn-plating")
    with pytest.raises(TaxonomyError, match="claimed by both"):
        parse_taxonomy(data)


@pytest.mark.parametrize("version", [None, "1", 1.5, True])
def test_version_must_be_an_integer(version):
    with pytest.raises(TaxonomyError, match="version"):
        parse_taxonomy(minimal(version=version))


def test_malformed_nic_code_is_rejected():
    data = minimal()
    data["categories"][0]["nic_codes"] = [{"code": "25A2"}]
    with pytest.raises(TaxonomyError, match="NIC code"):
        parse_taxonomy(data)


def test_seeds_folder_can_be_moved_with_an_environment_variable(tmp_path, monkeypatch):
    (tmp_path / "taxonomy.json").write_text(json.dumps(minimal()), encoding="utf-8")
    monkeypatch.setenv("SUPPLIERMATCH_SEEDS_DIR", str(tmp_path))
    assert seeds_dir() == tmp_path
    assert load_taxonomy().version == 3


def test_errors_in_a_file_name_the_file(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(minimal(version="x")), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="taxonomy.json"):
        load_taxonomy(path)


def test_plain_phrase_collapses_punctuation_and_case():
    assert plain_phrase("  Ni/Cu/Ni -- Plating ") == "ni cu ni plating"
