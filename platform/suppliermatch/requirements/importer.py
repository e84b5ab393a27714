"""Importing requirements from a spreadsheet, in the layout of the matching benchmark's
``requirements.csv``:

    requirement_ref, anchor, title, description, category, required_certs,
    preferred_certs, quantity_per_month, tolerance_mm, plant_pincode, plant_lat,
    plant_lon, max_distance_km, needed_by

Lists are ``;``-separated; empty cells mean "not given". Rows are checked by the same
schema as the API; any error in any row means nothing is imported, and every error is
reported with its line number and column. A ``requirement_ref`` already imported is left
as it is, so importing a file twice creates nothing the second time.

Anchors are found by name (in the coordinator's cluster when a coordinator imports) and
created when missing; an anchor firm importing gets every row as its own.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import marshmallow as ma
from sqlmodel import Session, func, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Organisation, OrganisationKind
from suppliermatch.errors import Forbidden, ValidationFailed
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.schemas import RequirementInputSchema
from suppliermatch.requirements.service import create_for_anchor
from suppliermatch.requirements.visibility import can_oversee
from suppliermatch.translatable import N_

CSV_COLUMNS = (
    "requirement_ref",
    "anchor",
    "title",
    "description",
    "category",
    "required_certs",
    "preferred_certs",
    "quantity_per_month",
    "tolerance_mm",
    "plant_pincode",
    "plant_lat",
    "plant_lon",
    "max_distance_km",
    "needed_by",
)
LIST_COLUMNS = ("required_certs", "preferred_certs")
# The template file's one example row (the import page offers the file): each cell as the
# import reads it, so that the file imports as it is.
TEMPLATE_EXAMPLE = {
    "requirement_ref": "EXAMPLE-RFQ-1",
    "anchor": "Example Magnets Pvt Ltd",
    "title": "NiCuNi plating of N42 sintered blocks",
    "description": "Nickel-copper-nickel plating, 15-20 micron, 72 h salt spray (ISO 9227).",
    "category": "coatings",
    "required_certs": "ISO9001;ISO14001",
    "preferred_certs": "ZED_SILVER",
    "quantity_per_month": "20000",
    "tolerance_mm": "0.05",
    "plant_pincode": "761020",
    "plant_lat": "",
    "plant_lon": "",
    "max_distance_km": "500",
    "needed_by": "2027-03-31",
}
# Columns handled on their own: the reference, the anchor, lists, a number people write
# with thousands separators. The rest go to the schema as written.
SPECIAL_COLUMNS = ("requirement_ref", "anchor", "quantity_per_month", *LIST_COLUMNS)
PLAIN_COLUMNS = tuple(c for c in CSV_COLUMNS if c not in SPECIAL_COLUMNS)
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
MAX_ROWS = 5000
# Imports made by a command or a script act as the platform itself.
SYSTEM_IMPORTER = Actor(kind=ActorKind.ADMIN)


@dataclass(frozen=True)
class RowError:
    row: int
    ref: str | None
    field: str
    message: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    anchors_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_upload(stream, *, max_bytes: int) -> list[dict]:
    """Rows of an uploaded CSV file (anything with ``read``), refused if too large or not UTF-8."""
    if stream is None:
        raise ValidationFailed("Choose a CSV file.", field="file")
    raw = stream.read(max_bytes + 1)
    if not raw.strip():
        raise ValidationFailed("Choose a CSV file (this one is empty).", field="file")
    if len(raw) > max_bytes:
        raise ValidationFailed(
            N_("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)), field="file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("Save the file as UTF-8 CSV.", field="file") from None
    if "\x00" in text:  # no spreadsheet writes NUL; PostgreSQL cannot store it
        raise ValidationFailed("This is not a CSV file: it contains binary data.", field="file")
    return read_requirements_csv(text)


def read_requirements_csv(text: str) -> list[dict]:
    """Rows of a CSV in the import layout; a wrong header is refused before any row is read."""
    try:
        return _csv_rows(text)
    except csv.Error as error:  # e.g. a field longer than the csv module's limit
        raise ValidationFailed(
            N_("The file could not be read as CSV: %(error)s.", error=error), field="file"
        ) from None


def _csv_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append("missing column(s): " + ", ".join(missing))
        if unknown:
            problems.append("unknown column(s): " + ", ".join(unknown))
        raise ValidationFailed(
            "The file's header does not match the import layout (" + "; ".join(problems) + ").",
            field="file",
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed(
                N_("Import at most %(rows)s rows at a time.", rows=MAX_ROWS), field="file"
            )
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    return rows


def import_requirements(
    session: Session,
    rows: Iterable[Mapping[str, str]],
    *,
    actor: Actor = SYSTEM_IMPORTER,
    anchor_id: int | None = None,
    cluster_id: int | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import rows (dicts keyed by ``CSV_COLUMNS``, e.g. from ``csv.DictReader``) as drafts.

    ``actor``: a coordinator (anchors found or created in its cluster), an admin or the
    default ``SYSTEM_IMPORTER`` (anchors found by name anywhere, created in ``cluster_id``),
    or an anchor firm's user (every row is its own). ``anchor_id`` puts every row under
    that anchor instead of the ``anchor`` column. Returns a report; when ``report.errors``
    is not empty nothing was written. The caller commits.
    """
    if actor.kind not in (ActorKind.ADMIN, ActorKind.COORDINATOR, ActorKind.ANCHOR):
        raise Forbidden("Only anchors, coordinators and admins import requirements.")
    fixed_anchor = _fixed_anchor(session, actor, anchor_id)
    home_cluster = actor.cluster_id if actor.kind == ActorKind.COORDINATOR else cluster_id
    report = ImportReport()
    prepared = []
    seen_refs: set[str] = set()
    anchors = _AnchorResolver(session, actor, home_cluster)
    schema = RequirementInputSchema()
    for number, row in enumerate(rows, start=2):
        ref = (row.get("requirement_ref") or "").strip()
        errors_before = len(report.errors)

        def problem(column: str, message: str, *, _number=number, _ref=ref) -> None:
            report.errors.append(RowError(_number, _ref or None, column, message))

        if not REF_PATTERN.match(ref):
            problem("requirement_ref", "Give a reference of 1-40 letters, digits or ._/- .")
        elif ref in seen_refs:
            problem("requirement_ref", f"'{ref}' appears twice in the file.")
        seen_refs.add(ref)
        existing = _existing(session, ref) if ref else None
        if existing is not None:
            if can_oversee(actor, existing):
                report.existing.append(ref)
            else:
                problem("requirement_ref", f"'{ref}' is taken; choose another reference.")
            continue
        anchor_name = (row.get("anchor") or "").strip()
        if fixed_anchor is None:
            message = anchors.check(anchor_name)
            if message:
                problem("anchor", message)
        try:
            data = schema.load(_payload(row))
        except ma.ValidationError as error:
            for column, messages in _flatten(error.messages):
                problem(column, messages)
            continue
        if len(report.errors) == errors_before:
            prepared.append((ref, anchor_name, data))

    if report.errors:
        return report
    for ref, anchor_name, data in prepared:
        anchor = fixed_anchor or anchors.get_or_create(anchor_name, report)
        data["line_items"] = [_line_item(data)]
        requirement = create_for_anchor(
            session,
            anchor=anchor,
            created_by_id=actor.user_id,
            data=data,
            external_ref=ref,
            now=now,
        )
        report.created.append(ref)
        report.requirements.append(requirement)
    return report


def _fixed_anchor(session: Session, actor: Actor, anchor_id: int | None) -> Organisation | None:
    if actor.kind == ActorKind.ANCHOR:
        if anchor_id is not None and anchor_id != actor.organisation_id:
            raise ValidationFailed("No such anchor.", field="anchor_id")
        return session.get(Organisation, actor.organisation_id)
    if anchor_id is None:
        return None
    anchor = session.get(Organisation, anchor_id)
    if (
        anchor is None
        or anchor.kind != OrganisationKind.ANCHOR
        or (actor.kind == ActorKind.COORDINATOR and anchor.cluster_id != actor.cluster_id)
    ):
        raise ValidationFailed("No such anchor.", field="anchor_id")
    return anchor


class _AnchorResolver:
    """Anchor firms by name: looked up once, created on first use when missing."""

    def __init__(self, session: Session, actor: Actor, cluster_id: int | None):
        self.session = session
        self.actor = actor
        self.cluster_id = cluster_id
        self.cache: dict[str, list[Organisation]] = {}

    def _matches(self, name: str) -> list[Organisation]:
        key = name.casefold()
        if key not in self.cache:
            statement = select(Organisation).where(
                Organisation.kind == OrganisationKind.ANCHOR,
                func.lower(Organisation.name) == key,
            )
            if self.actor.kind == ActorKind.COORDINATOR:
                statement = statement.where(Organisation.cluster_id == self.cluster_id)
            self.cache[key] = list(self.session.exec(statement))
        return self.cache[key]

    def check(self, name: str) -> str | None:
        if not name:
            return "Name the anchor firm."
        if len(name) > 200:
            return "An anchor's name has at most 200 characters."
        if len(self._matches(name)) > 1:
            return f"Several anchors are named '{name}'; import for one of them by its id."
        return None

    def get_or_create(self, name: str, report: ImportReport) -> Organisation:
        found = self._matches(name)
        if found:
            return found[0]
        anchor = Organisation(kind=OrganisationKind.ANCHOR, name=name, cluster_id=self.cluster_id)
        self.session.add(anchor)
        self.session.flush()
        self.cache[name.casefold()] = [anchor]
        report.anchors_created.append(name)
        return anchor


def _existing(session: Session, ref: str) -> Requirement | None:
    return session.exec(select(Requirement).where(Requirement.external_ref == ref)).first()


def _payload(row: Mapping[str, str]) -> dict:
    """A CSV row in the shape RequirementInputSchema loads; empty cells are left out."""
    payload = {c: row[c].strip() for c in PLAIN_COLUMNS if (row.get(c) or "").strip()}
    quantity = (row.get("quantity_per_month") or "").replace(",", "").strip()
    if quantity:
        payload["quantity_per_month"] = quantity
    catalogue = default_catalogue()
    for column in LIST_COLUMNS:
        tokens = [t.strip() for t in (row.get(column) or "").split(";") if t.strip()]
        if tokens:
            payload[column] = [catalogue.code_for(t) or t for t in tokens]
    return payload


def _line_item(data: dict) -> dict:
    """The one line a spreadsheet row describes: the title, at the monthly quantity."""
    quantity = data.get("quantity_per_month")
    return {
        "item": data["title"][:200],
        "quantity": quantity if quantity is not None else 1,
        "unit": "per month" if quantity is not None else "lot",
        "spec_reference": None,
    }


def _flatten(messages) -> Iterable[tuple[str, str]]:
    if not isinstance(messages, dict):
        yield "row", " ".join(map(str, messages))
        return
    for column, value in messages.items():
        if isinstance(value, dict):  # list fields report errors by position
            value = [m for sub in value.values() for m in (sub if isinstance(sub, list) else [sub])]
        yield column, " ".join(map(str, value))
