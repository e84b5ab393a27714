"""HTML forms are validated by the same marshmallow schemas as the JSON API.

One definition of what is acceptable serves both; this turns a schema's verdict (or a
service's DomainError) into per-field messages a page can show next to the inputs.
"""

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


def _as_field_messages(messages) -> dict:
    from suppliermatch.i18n import translated_messages

    if isinstance(messages, dict):
        fields = {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    else:
        fields = {"_form": list(messages)}
    return translated_messages(fields)
