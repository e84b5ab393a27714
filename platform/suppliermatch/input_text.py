"""Refuse text no database can store, where requests come in, naming the field.

A NUL character is refused by PostgreSQL and an unpaired UTF-16 surrogate (which JSON's
"\\ud800" escapes can produce) cannot be encoded by any driver: either would otherwise pass
every schema and fail at the database with a 500.
"""

from flask import Flask, request

from suppliermatch.errors import ValidationFailed
from suppliermatch.translatable import N_, marked

PROBLEM = N_("contains a character that cannot be stored (a NUL or an unpaired surrogate)")


def unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable_fields(value, path: str = "") -> list[str]:
    """Dotted paths of the strings (keys included) in a JSON value that cannot be stored."""
    found: list[str] = []
    if isinstance(value, str):
        if unstorable(value):
            found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                found.append(where)
            found.extend(unstorable_fields(item, where))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found.extend(unstorable_fields(item, f"{path}.{number}" if path else str(number)))
    return found


def init_input_text(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text():
        fields: list[str] = []
        if request.is_json:
            fields = unstorable_fields(request.get_json(silent=True))
        elif request.form:
            fields = [
                key
                for key, value in request.form.items(multi=True)
                if unstorable(key) or unstorable(value)
            ]
        fields += [key for key, value in request.args.items(multi=True) if unstorable(value)]
        if fields:
            raise ValidationFailed(
                N_(
                    "%(fields)s: %(problem)s.",
                    fields=", ".join(sorted(set(fields))),
                    problem=marked(PROBLEM),
                ),
                errors={field: [PROBLEM] for field in fields},
            )
