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
