"""The published OpenAPI document says how to authenticate and what each operation answers.

flask-smorest writes the document from the views; this completes it from what the app
knows at serving time: the two ways in (an API token as a bearer header; the login cookie
with its CSRF token on writes), which operations are public, who may call the others (the
``require`` decorator's kinds), the refusals each can give (401, 403, 404, 409), the
Idempotency-Key every signed-in POST honours, and tags named for people. Swagger UI then
shows an Authorize button, and "Try it out" works.
"""

import re
from decimal import Decimal

import marshmallow as ma
from flask import Flask, current_app
from flask_smorest import Api
from werkzeug.exceptions import MethodNotAllowed, NotFound

from suppliermatch import idempotency

# One tag per API blueprint, in the order people look for them.
TAG_NAMES = {
    "auth_api": "Sign in",
    "two_factor_api": "Two-factor sign-in",
    "tokens_api": "API tokens",
    "vetting_api": "Anchor vetting",
    "security_policy_api": "Sign-in rules",
    "suppliers_api": "Suppliers",
    "certificates_api": "Certificates",
    "readiness_api": "Readiness",
    "requirements_api": "Requirements",
    "scorecards_api": "Scorecards",
    "notifications_api": "Notifications",
    "onboarding_api": "Onboarding",
    "matching_api": "Matching",
    "reports_api": "Reports",
    "jobs_api": "Background jobs",
    "payments_api": "Payments",
    "qualification_api": "Qualification",
}
SECURITY_SCHEMES = {
    "apiToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from POST /api/tokens (or the account page), sent as "
        "`Authorization: Bearer <token>`. Calls made with it need no CSRF token.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The cookie POST /api/auth/login sets. Writes made with it must also "
        "send the CSRF token.",
    },
    "csrfToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "The token GET /api/auth/csrf returns, for writes made with the cookie.",
    },
}
SIGNED_IN = [{"apiToken": []}, {"sessionCookie": [], "csrfToken": []}]
WRITES = frozenset({"post", "put", "patch", "delete"})
REFUSALS = {
    "401": "Not signed in: no valid API token or login cookie.",
    "403": "Signed in, but as a kind of user (or a firm) this operation is not for; an "
    "anchor firm its cluster coordinator has not approved yet sees the public directory only.",
    "404": "Nothing of that id that you may see (another tenant's object answers the same).",
    "409": "The object's state or version does not allow this (send the version you read).",
}
ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
PATH_PARAMETER = re.compile(r"{(\w+)}")


def range_as_validated(converter, field, ret, **kwargs) -> dict:
    """Bounds in the document as the Range validators enforce them. apispec writes a bound
    as the field serialises it (a Decimal's as a Decimal, which JSON writes as a string:
    "maximum": "100000000000.00", invalid OpenAPI) and leaves out ``min_inclusive=False``
    (a quantity must be more than 0, the document said at least 0). OpenAPI 3.0 marks an
    exclusive bound with ``exclusiveMinimum: true``."""
    extra = {}
    for key in ("minimum", "maximum"):
        if isinstance(ret.get(key), Decimal):
            extra[key] = float(ret[key])
    ranges = [check for check in field.validators if isinstance(check, ma.validate.Range)]
    if "minimum" in ret and any(c.min is not None and not c.min_inclusive for c in ranges):
        extra["exclusiveMinimum"] = True
    if "maximum" in ret and any(c.max is not None and not c.max_inclusive for c in ranges):
        extra["exclusiveMaximum"] = True
    return extra


class DocumentedApi(Api):
    """flask-smorest's Api, serving the document completed by ``complete_document``."""

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(range_as_validated)

    def _openapi_json(self):
        document = complete_document(current_app, self.spec.to_dict())
        return current_app.response_class(
            current_app.json.dumps(document, indent=2), mimetype="application/json"
        )


def complete_document(app: Flask, document: dict) -> dict:
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    responses = components.setdefault("responses", {})
    for status, description in REFUSALS.items():
        responses[f"REFUSED_{status}"] = {
            "description": description,
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
    document["security"] = SIGNED_IN
    document["tags"] = [
        {**tag, "name": TAG_NAMES.get(tag["name"], tag["name"])} for tag in document["tags"]
    ]
    adapter = app.url_map.bind("localhost")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            operation["tags"] = [TAG_NAMES.get(tag, tag) for tag in operation.get("tags", [])]
            kinds = _required_kinds(app, adapter, path, method)
            _declare_access(operation, path, method, kinds)
            if method == "post" and kinds is not None:
                operation.setdefault("parameters", []).append(idempotency.HEADER_DOC)
    return document


def _required_kinds(app: Flask, adapter, path: str, method: str) -> frozenset | None:
    """The kinds of user the view requires, or None for a public operation."""
    concrete = PATH_PARAMETER.sub("1", path)
    try:
        endpoint, _ = adapter.match(concrete, method=method.upper())
    except (NotFound, MethodNotAllowed):
        return None
    return getattr(app.view_functions[endpoint], "required_kinds", None)


def _declare_access(operation: dict, path: str, method: str, kinds: frozenset | None) -> None:
    from suppliermatch.access import ActorKind  # access imports the extensions, which import this

    # Every kind a signed-in user can be (admins pass every check): fewer can mean 403.
    signed_in_kinds = set(ActorKind) - {ActorKind.ANONYMOUS, ActorKind.ADMIN}
    responses = operation.setdefault("responses", {})
    refusals = []
    if kinds is None:
        operation["security"] = []
    else:
        refusals.append("401")
        if not signed_in_kinds <= kinds or method in WRITES:
            refusals.append("403")
    if PATH_PARAMETER.search(path):
        refusals.append("404")
        if method in WRITES:
            refusals.append("409")
    for status in refusals:
        responses.setdefault(status, {"$ref": f"#/components/responses/REFUSED_{status}"})
