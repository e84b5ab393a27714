"""Whatever a user types or uploads, the answer is a 4xx naming the field and the reason,
or the value is accepted clean: never a server error.

GSTIN, Udyam number and PIN code go through the supplier API (create and edit) and the
spreadsheet import; the import endpoints of suppliers and requirements get arbitrary
files. Hypothesis draws the values, biased towards the identifiers' own shapes so that the
check-character, state-code and district paths are reached, not only the length checks.
"""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suppliermatch.reference.identifiers import (
    GST_STATE_CODES,
    GSTIN_ALPHABET,
    UDYAM_STATE_CODES,
    IdentifierError,
    gstin_check_character,
    validate_gstin,
    validate_pincode,
    validate_udyam,
)
from suppliermatch.requirements.importer import CSV_COLUMNS as REQUIREMENT_COLUMNS
from tests.security.clients import signed_in_client, undone_afterwards

# One scenario and one signed-in client serve every example; each example's writes are
# undone, so the fixtures are shared on purpose.
SHARED_FIXTURES = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text anyone could paste: any characters, including control and non-Latin ones.
ANY_TEXT = st.text(max_size=40)
GSTIN_SHAPED = st.from_regex(r"\A[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z]\Z")
UDYAM_SHAPED = st.from_regex(r"\AUDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}\Z") | st.builds(
    "UDYAM-{}-{}-{}".format,
    st.sampled_from(sorted(UDYAM_STATE_CODES)),
    st.from_regex(r"\A[0-9]{2}\Z"),
    st.from_regex(r"\A[0-9]{7}\Z"),
)
PIN_SHAPED = st.from_regex(r"\A[0-9]{6}\Z")


@st.composite
def gstins_with_the_right_check_character(draw) -> str:
    """Well-formed GSTINs whose check character is right: the state code and PAN decide."""
    state = draw(st.sampled_from(sorted(GST_STATE_CODES)))
    rest = draw(st.from_regex(r"\A[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z][1-9A-Z]Z\Z"))
    return state + rest + gstin_check_character(state + rest)


def _cased(strategy):
    """Also as users write them: lower case, padded with spaces."""
    return strategy | strategy.map(str.lower) | strategy.map(lambda v: f"  {v} ")


GSTINS = ANY_TEXT | _cased(GSTIN_SHAPED) | _cased(gstins_with_the_right_check_character())
UDYAMS = ANY_TEXT | _cased(UDYAM_SHAPED)
PINCODES = ANY_TEXT | PIN_SHAPED | st.integers(min_value=100000, max_value=999999).map(str)


def _valid(validator, value) -> bool:
    try:
        validator(value)
    except IdentifierError:
        return False
    return True


def _assert_refused_with_a_reason(response, field: str) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert field in errors, errors
    assert all(isinstance(message, str) and message.strip() for message in errors[field])


IDENTIFIERS = {"gstin": validate_gstin, "udyam_number": validate_udyam, "pincode": validate_pincode}


def _check_identifier_answer(response, field: str, value: str, stored: dict | None) -> None:
    """Refused with a reason exactly when the shared rule refuses it; else stored clean."""
    assert response.status_code < 500
    if not value.strip():  # left blank: the profile simply has none
        assert response.status_code in (200, 201), response.get_json()
        assert stored[field] is None
        return
    validator = IDENTIFIERS[field]
    if not _valid(validator, value):
        _assert_refused_with_a_reason(response, field)
        return
    if response.status_code == 409:  # another supplier holds the identifier already
        assert field in response.get_json().get("errors", {})
        return
    if response.status_code == 422:  # e.g. a real-looking PIN code no post office has
        _assert_refused_with_a_reason(response, field)
        return
    assert response.status_code in (200, 201), response.get_json()
    assert stored[field] == validator(value)


def _identifier_case(field):
    return {"gstin": GSTINS, "udyam_number": UDYAMS, "pincode": PINCODES}[field]


def test_identifiers_on_a_new_supplier(app, scenario):
    client = signed_in_client(app, scenario, "coordinator_1")

    @SHARED_FIXTURES
    @given(field=st.sampled_from(sorted(IDENTIFIERS)), data=st.data())
    def create(field, data):
        value = data.draw(_identifier_case(field), label=field)
        with undone_afterwards():
            response = client.post(
                "/api/suppliers", json={"legal_name": "Kalinga Tools", field: value}
            )
            stored = response.get_json() if response.status_code == 201 else None
        _check_identifier_answer(response, field, value, stored)

    create()


def test_identifiers_on_an_existing_profile(app, scenario):
    client = signed_in_client(app, scenario, "msme_a")
    url = f"/api/suppliers/{scenario.supplier_a.id}"
    version = client.get(url).get_json()["version"]

    @SHARED_FIXTURES
    @given(field=st.sampled_from(sorted(IDENTIFIERS)), data=st.data())
    def edit(field, data):
        value = data.draw(_identifier_case(field), label=field)
        with undone_afterwards():
            response = client.patch(url, json={field: value, "version": version})
            stored = response.get_json() if response.status_code == 200 else None
        if field == "gstin" and response.status_code == 422 and _valid(validate_gstin, value):
            # A's GSTIN must agree with the state on its profile (Odisha): another state's
            # well-formed GSTIN is refused by that rule, with the reason.
            _assert_refused_with_a_reason(response, "gstin")
            return
        _check_identifier_answer(response, field, value, stored)

    edit()


SUPPLIER_COLUMNS = ("supplier_ref", "name", "gstin", "udyam", "state", "district", "pincode")
CELLS = ANY_TEXT | GSTIN_SHAPED | UDYAM_SHAPED | PIN_SHAPED | st.just("")


def _csv_file(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def _rows(columns):
    return st.lists(st.tuples(*[CELLS for _ in columns]), min_size=1, max_size=4)


def _upload(client, url: str, content: bytes, filename: str):
    return client.post(
        url,
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _assert_import_answer(response) -> None:
    """Imported (201), queued as a job (202: the suite runs it at once, and a job that
    failed says why), or refused (4xx) with reasons a person can act on."""
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code == 201:
        return
    if response.status_code == 202:
        job = response.get_json()
        assert job["state"] in ("done", "failed"), job
        if job["state"] == "failed":
            assert job["error"].strip(), job
        return
    assert 400 <= response.status_code < 500
    body = response.get_json()
    assert body["message"].strip()
    if response.status_code == 422:
        assert body.get("errors"), body


def test_supplier_spreadsheets_with_any_cells(app, scenario):
    client = signed_in_client(app, scenario, "coordinator_1")

    @SHARED_FIXTURES
    @given(rows=_rows(SUPPLIER_COLUMNS), good_rows_only=st.booleans())
    def upload(rows, good_rows_only):
        content = _csv_file(SUPPLIER_COLUMNS, rows)
        url = "/api/suppliers/import" + ("?good_rows_only=true" if good_rows_only else "")
        with undone_afterwards():
            response = _upload(client, url, content, "suppliers.csv")
            report = None
            if response.status_code == 202 and response.get_json()["report_url"]:
                report = client.get(response.get_json()["report_url"]).get_json()
        _assert_import_answer(response)
        if report is not None and report["outcome"] == "rejected":
            assert report["problems"]
            assert all(p["field"] and p["problem"].strip() for p in report["problems"])

    upload()


@pytest.mark.slow
def test_requirement_spreadsheets_with_any_cells(app, scenario):
    client = signed_in_client(app, scenario, "coordinator_1")

    @SHARED_FIXTURES
    @given(rows=_rows(REQUIREMENT_COLUMNS))
    def upload(rows):
        content = _csv_file(REQUIREMENT_COLUMNS, rows)
        with undone_afterwards():
            response = _upload(client, "/api/requirements/import", content, "rfqs.csv")
        _assert_import_answer(response)
        if response.status_code == 422 and "errors" in response.get_json():
            errors = response.get_json()["errors"]
            if isinstance(errors, list):  # the import report's rows
                assert all(e["field"] and e["message"].strip() for e in errors)

    upload()


FILE_NAMES = st.sampled_from(["rows.csv", "rows.xlsx", "rows.CSV", "rows", "rows.txt", ""])


@given(content=st.binary(max_size=600), filename=FILE_NAMES, target=st.sampled_from(["s", "r"]))
@SHARED_FIXTURES
def test_any_bytes_uploaded_as_a_spreadsheet(app, scenario, content, filename, target):
    url = "/api/suppliers/import" if target == "s" else "/api/requirements/import"
    client = app.test_client()
    with undone_afterwards():
        response = client.post(
            url,
            data={"file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {scenario.tokens['coordinator_1']}"},
        )
    _assert_import_answer(response)


@given(valid=gstins_with_the_right_check_character())
def test_the_drawn_gstins_reach_the_check_character_rule(valid):
    """The strategy is not only noise: it makes valid GSTINs, and one character off fails."""
    assert validate_gstin(valid) == valid
    wrong_check = valid[:-1] + next(c for c in GSTIN_ALPHABET if c != valid[-1])
    assert not _valid(validate_gstin, wrong_check)


# Text with a NUL character (PostgreSQL refuses to store it) or a lone UTF-16 surrogate (no
# database driver can encode it) is refused where requests come in (input_text.py).
UNSTORABLE_TEXT = [
    pytest.param("Kalinga\x00Tools", id="nul"),
    pytest.param("Kalinga \ud800 Tools", id="lone-surrogate"),
]


@pytest.mark.parametrize("name", UNSTORABLE_TEXT)
def test_text_no_database_can_store_is_refused_naming_the_field(app, scenario, name):
    client = signed_in_client(app, scenario, "coordinator_1")
    response = client.post("/api/suppliers", json={"legal_name": name})
    assert response.status_code == 422
    assert "legal_name" in response.get_json()["errors"]
