"""HTML forms for requirements, quotes, awards and ratings, turned into the dicts the API
schemas load, so that a page and the API accept exactly the same things.

An empty input means "no value": on an edit form that clears the field.
"""

import marshmallow as ma
from werkzeug.datastructures import MultiDict

from suppliermatch.requirements import schemas

# Inputs that may be left empty (then stored as empty): the schema's nullable scalars.
OPTIONAL_INPUTS = tuple(
    name
    for name, field in schemas.RequirementInputSchema._declared_fields.items()
    if field.allow_none and not isinstance(field, ma.fields.List)
)
LINE_INPUTS = ("item", "quantity", "unit", "spec_reference")
BLANK_LINE_ROWS = 3


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
                    label = f"row {int(position) + 1}" + (f" {sub}" if sub else "")
                    flat.setdefault(name, []).extend(f"{label}: {m}" for m in msgs)
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
    columns = [form.getlist(name) for name in LINE_INPUTS]
    lines = []
    for values in zip(*columns, strict=False):
        cells = {name: value.strip() for name, value in zip(LINE_INPUTS, values, strict=True)}
        if any(cells.values()):
            lines.append({k: (v if v else None) for k, v in cells.items()})
    raw["line_items"] = lines
    return raw


def load_requirement(form: MultiDict):
    return _load(schemas.RequirementInputSchema(), requirement_payload(form))


def load_requirement_update(form: MultiDict):
    raw = requirement_payload(form)
    raw["version"] = form.get("version", "").strip()
    return _load(schemas.RequirementUpdateSchema(), raw)


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
