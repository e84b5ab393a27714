"""HTML forms are validated by the same marshmallow schemas as the JSON API.

One definition of what is acceptable serves both; this turns a schema's verdict (or a
service's DomainError) into per-field messages a page can show next to the inputs.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from werkzeug.datastructures import MultiDict

from suppliermatch.errors import DomainError

# Form posts carry the CSRF token, a create form's one-time token (form_tokens.py) and the
# submit button alongside the fields.
FORM_ONLY_FIELDS = ("csrf_token", "form_token", "submit")


def load_form(schema: ma.Schema, form: MultiDict, *, lists: tuple[str, ...] = ()):
    """Return (data, None) or (None, {field: [messages]}). Empty inputs count as absent."""
    raw: dict = {}
    for key in form:
        if key in FORM_ONLY_FIELDS:
            continue
        if key in lists:
            raw[key] = [v for v in form.getlist(key) if v.strip()]
        elif form[key].strip() != "":
            raw[key] = form[key].strip()
    try:
        return schema.load(raw), None
    except ma.ValidationError as error:
        return None, _as_field_messages(error.messages)


def domain_errors(error: DomainError) -> dict:
    """The refusal's messages for the form, in the reader's language."""
    from suppliermatch.i18n import translated_messages

    return translated_messages(error.errors or {"_form": [error.message]})


# Refusals that are not about what the form says (no such thing, not yours): the error page
# answers them, not the form again.
NOT_THE_FORMS = frozenset({403, 404})


@dataclass(frozen=True)
class Outcome:
    """What a form's unit of work came to: what the change returned, or why it was refused
    (the field errors and the HTTP status to show the form again with)."""

    result: Any = None
    errors: dict | None = None
    status: int = 200

    @property
    def refused(self) -> bool:
        return self.errors is not None


def attempt(
    change: Callable[[], Any],
    done: str | Callable[[Any], str] | None = None,
    *,
    propagate: Collection[int] = NOT_THE_FORMS,
) -> Outcome:
    """One unit of work from a form: run ``change()``; commit and flash ``done`` (or what it
    makes of the result), or roll back a refused rule and return its errors. A refusal whose
    status is in ``propagate`` is rolled back and raised for the error page."""
    from suppliermatch.extensions import db
    from suppliermatch.i18n import flash

    try:
        result = change()
    except DomainError as error:
        db.session.rollback()
        if error.status_code in propagate:
            raise
        return Outcome(errors=domain_errors(error), status=error.status_code)
    db.session.commit()
    if done is not None:
        flash(done(result) if callable(done) else done)
    return Outcome(result=result)


def _as_field_messages(messages) -> dict:
    from suppliermatch.i18n import translated_messages

    if isinstance(messages, dict):
        fields = {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    else:
        fields = {"_form": list(messages)}
    return translated_messages(fields)
