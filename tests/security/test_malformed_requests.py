"""Bodies and query strings no client of ours sends: each gets a 4xx, never a 500.

The request cases are pinned regressions: each once reached a 500 (found by Schemathesis or
by hand with curl). Every 500 that fuzzing finds from now on gets a case here, without
randomness, so that it is checked on every run whatever the fuzzer draws.
"""

import pytest

from suppliermatch.request_gate import MAX_JSON_DEPTH, json_depth
from tests.security.clients import signed_in_client, undone_afterwards
from tests.security.inventory import PUBLIC, ROUTES
from tests.security.scenario import ROLES

BOUNDARY = "b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(*parts: str) -> bytes:
    body = "".join(f"--{BOUNDARY}\r\n{part}\r\n" for part in parts) + f"--{BOUNDARY}--\r\n"
    return body.encode()


def nested_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


NAMELESS = "a part of the form has no name"
TOO_DEEP = f"nests lists or objects deeper than {MAX_JSON_DEPTH} levels"

# (label, content type, body, the reason a JSON answer must give, or None for any 4xx)
BODIES = [
    (
        # Schemathesis, seed of the failing CI run: Flask-WTF's CSRF check met a None key.
        "multipart part without a name",
        MULTIPART,
        multipart("Content-Disposition: form-data\r\n\r\nvalue"),
        NAMELESS,
    ),
    (
        "multipart file part without a name",
        MULTIPART,
        multipart(
            'Content-Disposition: form-data; filename="rows.csv"\r\n'
            "Content-Type: text/csv\r\n\r\na,b"
        ),
        NAMELESS,
    ),
    (
        "multipart part with an empty name",
        MULTIPART,
        multipart('Content-Disposition: form-data; name=""\r\n\r\nvalue'),
        NAMELESS,
    ),
    ("JSON nested 1,000 deep", "application/json", nested_json(1_000), TOO_DEEP),
    ("JSON nested 100,000 deep", "application/json", nested_json(100_000), TOO_DEEP),
    ("JSON one level too deep", "application/json", nested_json(MAX_JSON_DEPTH + 1), TOO_DEEP),
    (
        "multipart with duplicate names",
        MULTIPART,
        multipart(
            'Content-Disposition: form-data; name="email"\r\n\r\na@example.in',
            'Content-Disposition: form-data; name="email"\r\n\r\nb@example.in',
        ),
        None,
    ),
    ("multipart without a boundary", "multipart/form-data", b"--x\r\n--x--\r\n", None),
    ("multipart with an empty boundary", "multipart/form-data; boundary=", b"--\r\n", None),
    ("multipart that never ends", MULTIPART, f"--{BOUNDARY}\r\nContent-Disp".encode(), None),
    (
        "invalid UTF-8 in a form field",
        "application/x-www-form-urlencoded",
        b"email=%ff%fe&name=\xff\xfe",
        None,
    ),
    ("JSON that is not JSON", "application/json", b"{'single': quotes}", None),
    ("a body of the wrong type", "text/plain", b"email=a@example.in", None),
]
# A JSON entry point before authentication, an API write, and a page's form.
TARGETS = ["/api/auth/login", "/api/suppliers", "/login"]
CALLERS = ["anonymous", "cookie", "bearer"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("path", TARGETS)
@pytest.mark.parametrize(
    ("label", "content_type", "body", "reason"), BODIES, ids=[case[0] for case in BODIES]
)
def test_a_malformed_body_is_refused_with_a_4xx(
    app, scenario, caller, path, label, content_type, body, reason
):
    client = app.test_client()
    headers = {}
    if caller == "cookie":
        client = signed_in_client(app, scenario, "coordinator_1")
        headers["X-CSRFToken"] = client.csrf_token()
    elif caller == "bearer":
        headers["Authorization"] = f"Bearer {scenario.tokens['coordinator_1']}"
    with undone_afterwards():
        response = client.open(
            path, method="POST", data=body, content_type=content_type, headers=headers
        )
    assert 400 <= response.status_code < 500, (label, response.status_code)
    if path.startswith("/api/"):
        answer = response.get_json()
        assert answer["code"] == response.status_code
        assert answer["message"]
        if reason is not None:
            assert response.status_code == 400
            assert reason in answer["message"]
            assert any(reason in messages for messages in answer["errors"].values())
    else:
        assert response.mimetype == "text/html"
        assert "Something went wrong" not in response.get_data(as_text=True)


def test_json_at_the_depth_limit_passes_the_gate(client):
    response = client.post(
        "/api/auth/login", data=nested_json(MAX_JSON_DEPTH), content_type="application/json"
    )
    # Past the gate, the login schema refuses a list for its object: a 422, not the gate's 400.
    assert response.status_code == 422


def test_json_depth_counts_lists_and_objects():
    assert json_depth(None) == 0
    assert json_depth({"a": 1}) == 1
    assert json_depth({"items": [{"price": 1}]}) == 3
    assert json_depth([[], [[[]]]]) == 4


# -- every page, with query arguments out of range ------------------------------------------

HOSTILE_QUERIES = {
    "too big": {
        "page": "9" * 20,
        "per_page": "9" * 20,
        "supplier_id": "9" * 20,
        "cluster_id": "9" * 20,
        "q": "nickel plating " * 30,
        "category": "c" * 60,
        "certificate": "x" * 60,
        "state": "s" * 300,
        "district": "d" * 300,
        "status": "s" * 300,
        "next": "/" + "n" * 3000,
    },
    "out of range": {
        "page": "-7",
        "per_page": "0",
        "supplier_id": "-1",
        "cluster_id": "0",
        "status": "",
    },
    "not numbers": {"page": "two", "supplier_id": "1e9", "cluster_id": "NaN", "q": "%"},
}


def page_paths(scenario) -> list[str]:
    paths = {
        route.path.format(**scenario.ids).split("?")[0]
        for route in ROUTES
        if route.method == "GET" and not route.path.startswith("/api/")
    }
    paths |= {
        path.format(**scenario.ids)
        for path in PUBLIC.values()
        if path is not None and not path.startswith(("/api/", "/static/"))
    }
    return sorted(paths)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_a_server_error_for_any_query(app, scenario, role_clients, role):
    client = role_clients[role]
    server_errors = []
    for path in page_paths(scenario):
        for label, query in HOSTILE_QUERIES.items():
            response = client.get(path, query_string=query)
            response.close()
            if response.status_code >= 500:
                server_errors.append(f"{path} ({label}): {response.status_code}")
    assert server_errors == []


# Each list page, as a role that may read it.
LIST_PAGES = {
    "/directory": "coordinator_1",
    "/suppliers": "coordinator_1",
    "/suppliers/duplicates": "coordinator_1",
    "/requirements": "anchor_x",
    "/rfqs": "msme_a",
}


@pytest.mark.parametrize(("path", "role"), LIST_PAGES.items())
def test_a_list_page_beyond_its_end_shows_the_list(role_clients, path, role):
    response = role_clients[role].get(path, query_string={"page": "9" * 20})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/directory", "/suppliers"])
def test_an_over_long_search_is_refused_on_the_page_naming_the_field(role_clients, path):
    response = role_clients["anchor_x"].get(path, query_string={"q": "q" * 201})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Longer than maximum length 200." in page
    assert 'value="' + "q" * 201 + '"' in page
