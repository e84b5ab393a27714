"""HTML forms for requirements, quotes, awards and ratings, turned into the dicts the API
schemas load, so that a page and the API accept exactly the same things.

An empty input means "no value": on an edit form that clears the field.
"""

import marshmallow as ma
from werkzeug.datastructures import MultiDict

from suppliermatch.i18n import translated_messages
from suppliermatch.reference.places import place_for_pincode
from suppliermatch.requirements import schemas
from suppliermatch.translatable import N_

# The page places the plant by a town or a PIN code: the coordinates come from the PIN
# code directory, never from typed degrees (the API still takes them).
PLACE_INPUTS = ("plant_pincode", "plant_lat", "plant_lon")
# Inputs that may be left empty (then stored as empty): the schema's nullable scalars.
OPTIONAL_INPUTS = tuple(
    name
    for name, field in schemas.RequirementInputSchema._declared_fields.items()
    if field.allow_none and not isinstance(field, ma.fields.List) and name not in PLACE_INPUTS
)
LINE_INPUTS = ("item", "quantity", "unit", "spec_reference")
LINE_LABELS = {"item": "item", "quantity": "quantity", "unit": "unit", "spec_reference": "drawing"}
# Marshmallow's words for a line's cell, as a person filling the row reads them.
LINE_MESSAGES = {
    "Missing data for required field.": "fill it in, or empty the whole row",
    "Field may not be null.": "fill it in, or empty the whole row",
    "Not a valid number.": "write a number, e.g. 300",
}


def _load(schema: ma.Schema, raw: dict, **kwargs):
    try:
        return schema.load(raw, **kwargs), None
    except ma.ValidationError as error:
        return None, field_messages(error.messages)


def field_messages(messages) -> dict:
    """Schema errors as {input name: [messages]}; nested list errors name the list."""
    if not isinstance(messages, dict):
        return {"_form": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for name, value in messages.items():
        if isinstance(value, dict):
            for position, inner in value.items():
                details = inner.items() if isinstance(inner, dict) else [("", inner)]
                for sub, msgs in details:
                    msgs = msgs if isinstance(msgs, list) else [msgs]
                    label = f"Line {int(position) + 1}" + (
                        f", {LINE_LABELS.get(sub, sub)}" if sub else ""
                    )
                    flat.setdefault(name, []).extend(
                        f"{label}: {LINE_MESSAGES.get(m, m)}" for m in msgs
                    )
        else:
            flat[name] = value if isinstance(value, list) else [str(value)]
    return flat


def requirement_payload(form: MultiDict) -> dict:
    raw: dict = {
        "title": form.get("title", "").strip(),
        "description": form.get("description", "").strip(),
        "visibility": form.get("visibility", "cluster"),
        "noncompliant_quotes": form.get("noncompliant_quotes", "flag"),
        "required_certs": [c for c in form.getlist("required_certs") if c.strip()],
        "preferred_certs": [c for c in form.getlist("preferred_certs") if c.strip()],
        "materials": [m.strip() for m in form.get("materials", "").split(",") if m.strip()],
    }
    for name in OPTIONAL_INPUTS:
        value = form.get(name, "").strip()
        raw[name] = value if value else None
    raw["plant_pincode"] = (
        form.get("plant_pincode", "").strip() or form.get("plant_place", "").strip() or None
    )
    columns = [form.getlist(name) for name in LINE_INPUTS]
    lines = []
    for values in zip(*columns, strict=False):
        cells = {name: value.strip() for name, value in zip(LINE_INPUTS, values, strict=True)}
        if any(cells.values()):
            lines.append({k: (v if v else None) for k, v in cells.items()})
    raw["line_items"] = lines
    return raw


def _place_errors(form: MultiDict) -> dict:
    """A town chosen and another PIN code typed: which one is meant is not for us to guess."""
    chosen = form.get("plant_place", "").strip()
    typed = form.get("plant_pincode", "").strip()
    if not chosen or not typed or chosen == typed:
        return {}
    place = place_for_pincode(chosen)
    town = f"{place.name} (PIN {chosen})" if place else f"PIN {chosen}"
    refusal = N_(
        "You chose %(town)s and typed PIN code %(typed)s: keep one of them.", town=town, typed=typed
    )
    return {"plant_place": [refusal]}


def _load_requirement(schema: ma.Schema, raw: dict, form: MultiDict):
    data, errors = _load(schema, raw)
    place_errors = translated_messages(_place_errors(form))
    if place_errors:
        return None, {**(errors or {}), **place_errors}
    return data, errors


def load_requirement(form: MultiDict):
    return _load_requirement(schemas.RequirementInputSchema(), requirement_payload(form), form)


def load_requirement_update(form: MultiDict):
    raw = requirement_payload(form)
    raw["version"] = form.get("version", "").strip()
    return _load_requirement(schemas.RequirementUpdateSchema(), raw, form)


def filled_line_rows(form: MultiDict) -> tuple[list[dict], int]:
    """The line-item rows posted with something in them, and how many came empty."""
    columns = [form.getlist(name) for name in LINE_INPUTS]
    rows = [dict(zip(LINE_INPUTS, row, strict=True)) for row in zip(*columns, strict=False)]
    filled = [row for row in rows if any(value.strip() for value in row.values())]
    return filled, len(rows) - len(filled)


def load_quote(form: MultiDict, line_item_ids: list[int], *, with_version: bool):
    raw: dict = {
        "lead_time_days": form.get("lead_time_days", "").strip(),
        "valid_until": form.get("valid_until", "").strip(),
        "notes": form.get("notes", "").strip() or None,
        "lines": [
            {"line_item_id": item_id, "unit_price_inr": form.get(f"price_{item_id}", "").strip()}
            for item_id in line_item_ids
        ],
    }
    if with_version:
        raw["version"] = form.get("version", "").strip()
        return _load(schemas.QuoteUpdateSchema(), raw)
    return _load(schemas.QuoteInputSchema(), raw)


def load_award(form: MultiDict, supplier_ids: list[int]):
    allocations = []
    for supplier_id in supplier_ids:
        if form.get(f"award_{supplier_id}"):
            quantity = form.get(f"quantity_{supplier_id}", "").strip()
            allocations.append({"supplier_id": supplier_id, "quantity_per_month": quantity or None})
    raw = {"allocations": allocations}
    if form.get("note", "").strip():
        raw["note"] = form["note"].strip()
    return _load(schemas.AwardInputSchema(), raw)


def load_rating(form: MultiDict):
    raw = {
        name: form.get(name, "").strip()
        for name in ("quality", "on_time", "communication", "delivered_on")
    }
    raw["comment"] = form.get("comment", "").strip() or None
    return _load(schemas.RatingInputSchema(), raw)


def supplier_ids_from(form: MultiDict) -> tuple[list[int] | None, dict | None]:
    """Ids from checkboxes named ``supplier_id`` or a comma-separated ``supplier_ids`` box."""
    tokens = list(form.getlist("supplier_id"))
    tokens += [t for t in form.get("supplier_ids", "").replace(" ", ",").split(",")]
    tokens = [t.strip() for t in tokens if t.strip()]
    if not tokens:
        return None, {"supplier_ids": ["Give at least one supplier id."]}
    if not all(t.isascii() and t.isdigit() for t in tokens):
        return None, {"supplier_ids": ["Supplier ids are whole numbers, separated by commas."]}
    return _load(schemas.InviteSchema(), {"supplier_ids": [int(t) for t in tokens]})
