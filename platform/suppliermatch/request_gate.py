"""Refuse a malformed request body at the door, before anything else reads it.

Every later reader (the CSRF check, the storable-text check, webargs, the views) may then
trust the body's shape: every form part has a name, and JSON is nested no deeper than any
request of ours needs. Without this, a multipart part with no ``name`` reaches Flask-WTF's
CSRF check as a ``None`` key (``AttributeError``), and JSON nested ~1,000 deep makes the
decoder raise ``RecursionError``: both were 500s, found by fuzzing and by hand.
"""

from flask import Flask, request

from suppliermatch.errors import DomainError

# The deepest body any operation of the API takes is three levels (an object holding a list
# of line-item objects); 32 leaves room for any client's wrapping and refuses abuse.
MAX_JSON_DEPTH = 32
FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# The WSGI environ key under which the server hands over a request it could not read
# (suppliermatch.server_worker): an HTTPException, answered here like any other. A key with
# a dot cannot come from the client (its headers arrive as HTTP_*).
TRANSPORT_REFUSAL = "suppliermatch.transport_refusal"


class MalformedBody(DomainError):
    """The body cannot be read as what its Content-Type says."""

    status_code = 400


def json_depth(value) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a scalar is depth 0).

    Iterative, so that measuring cannot itself run out of stack.
    """
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def refuse_malformed_json() -> None:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body, depth = None, MAX_JSON_DEPTH + 1
    else:
        depth = json_depth(body)
    if depth > MAX_JSON_DEPTH:
        problem = f"nests lists or objects deeper than {MAX_JSON_DEPTH} levels"
        raise MalformedBody(f"body: {problem}.", field="body", errors={"body": [problem]})


def refuse_nameless_form_parts() -> None:
    nameless = [
        part
        for part, fields in (("form", request.form), ("files", request.files))
        if any(not name for name in fields)
    ]
    if nameless:
        problem = "a part of the form has no name"
        raise MalformedBody(
            f"{', '.join(nameless)}: {problem}.", errors={part: [problem] for part in nameless}
        )


def init_request_gate(app: Flask) -> None:
    @app.before_request
    def refuse_malformed_body():
        refusal = request.environ.get(TRANSPORT_REFUSAL)
        if refusal is not None:
            raise refusal
        if request.is_json:
            refuse_malformed_json()
        elif request.mimetype in FORM_MIMETYPES:
            refuse_nameless_form_parts()
