"""The OpenAPI document and the app agree: every /api route is documented with its
method, and everything documented is served."""

import re

# The document itself and the pages that show it are not API operations.
NOT_OPERATIONS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "home.swagger_assets"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def served_operations(app) -> set[tuple[str, str]]:
    """(METHOD, /api/path/{param}) for every API route of the app."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        operations |= {(method, path) for method in rule.methods - IGNORED_METHODS}
    return operations


def documented_operations(client) -> set[tuple[str, str]]:
    spec = client.get("/api/openapi.json").get_json()
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_api_route_is_in_the_openapi_document(app, client):
    missing = served_operations(app) - documented_operations(client)
    assert sorted(missing) == []


def test_everything_the_openapi_document_lists_is_served(app, client):
    phantom = documented_operations(client) - served_operations(app)
    assert sorted(phantom) == []


def test_the_document_is_not_trivially_empty(app, client):
    assert len(documented_operations(client)) >= 70


# -- how to authenticate, and what each operation may answer ---------------------------------

OPERATION_METHODS = {"get", "post", "put", "patch", "delete"}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in OPERATION_METHODS:
                yield path, method, operation


def test_the_document_declares_both_ways_to_authenticate(client):
    spec = client.get("/api/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiToken"] == {**schemes["apiToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert schemes["csrfToken"] == {**schemes["csrfToken"], "in": "header", "name": "X-CSRFToken"}
    assert spec["security"] == [{"apiToken": []}, {"sessionCookie": [], "csrfToken": []}]


def test_public_operations_need_no_credentials_and_the_rest_say_401(client):
    spec = client.get("/api/openapi.json").get_json()
    public = {
        f"{method.upper()} {path}"
        for path, method, op in operations(spec)
        if op.get("security") == []
    }
    assert public == {
        "GET /api/auth/csrf",
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "POST /api/auth/signup",
        "POST /api/auth/password-reset",
        "POST /api/auth/password-reset/confirm",
        "POST /api/auth/verify-email",
        "POST /api/auth/login/two-factor",
        "POST /api/claims",
        "POST /api/claims/code",
        "POST /api/claims/invitation",
        "GET /api/certificates/catalogue",
        "GET /api/suppliers/directory",
        "GET /api/suppliers/directory/{supplier_id}",
    }
    undeclared = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(spec)
        if operation.get("security") != [] and "401" not in operation["responses"]
    ]
    assert undeclared == []


def test_every_operation_has_a_summary_a_named_tag_and_its_refusals(client):
    spec = client.get("/api/openapi.json").get_json()
    tags = [tag["name"] for tag in spec["tags"]]
    assert "Suppliers" in tags and "Requirements" in tags
    assert not [tag for tag in tags if tag.endswith("_api")]
    wrong = []
    for path, method, operation in operations(spec):
        label = f"{method.upper()} {path}"
        if not operation.get("summary"):
            wrong.append(f"{label}: no summary")
        if set(operation["tags"]) - set(tags):
            wrong.append(f"{label}: tag {operation['tags']} not in the list")
        if "{" in path and "404" not in operation["responses"]:
            wrong.append(f"{label}: no 404")
        if "{" in path and method != "get" and "409" not in operation["responses"]:
            wrong.append(f"{label}: no 409")
    assert wrong == []


def test_reading_a_whole_profile_declares_the_unvetted_anchors_403(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "403" in paths["/api/suppliers/{supplier_id}"]["get"]["responses"]
    assert "403" in paths["/api/suppliers"]["get"]["responses"]
    # Anyone signed in, unvetted or not, may ask who they are.
    assert "403" not in paths["/api/auth/me"]["get"]["responses"]


def test_a_refusal_that_names_no_field_still_carries_errors(client):
    response = client.get("/api/requirements/1")
    assert response.status_code == 401
    assert response.get_json() == {
        "code": 401,
        "status": "Unauthorized",
        "message": response.get_json()["message"],
        "errors": {},
    }
