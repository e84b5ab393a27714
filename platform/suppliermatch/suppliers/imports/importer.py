"""Bulk onboarding: a coordinator's spreadsheet of suppliers, checked row by row, imported.

The columns of the matching benchmark's suppliers.csv are one accepted layout
(``supplier_ref, name, gstin, udyam, state, district, pincode, lat, lon, categories,
capabilities, certifications, capacity_per_month, best_tolerance_mm, employees, email,
phone``); headers are matched whatever their case, a few other names are understood
(``legal_name``, ``udyam_number``, ``pin_code`` ...) and columns nobody asked for are
listed in the report and otherwise ignored.

Every row is checked with the same rules as the profile form (``rules``) and gets a line
in the report for each problem: row number as the spreadsheet shows it, column, problem.
By default a file lands whole or not at all; with ``good_rows_only`` the good rows land
and the report lists the rest. Importing a file again updates the suppliers it created:
a row is the supplier with the same GSTIN, else the same Udyam number, else the same
``supplier_ref``. Two rows for one enterprise in a file become one supplier (and a
notice). An empty cell leaves the stored value as it is.

Streamed, so that memory stays bounded whatever the file's size: a first pass reads the
file row by row, checks each row and works out which supplier it is, keeping only what
those rules need (the report, capped; each identifier seen and the supplier it names);
the good rows go to a temporary file as they are checked. Only then, and only if the file
is to land, a second pass writes them in chunks of ``_BATCH`` suppliers (COPY on
PostgreSQL, batched executemany elsewhere), in the caller's one transaction. A rejected
file therefore writes nothing but its report.
"""

import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import ARRAY, any_, bindparam, delete, func, insert, select, text, update
from sqlmodel import Session, SQLModel

from suppliermatch.bulk_build import garbage_collection_paused
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.errors import ValidationFailed
from suppliermatch.id_lists import id_chunks
from suppliermatch.matching.engine.concepts import default_matcher
from suppliermatch.models_base import utcnow
from suppliermatch.reference.certificates import CertStatus, default_catalogue
from suppliermatch.reference.enterprise_class import AmountError, parse_inr
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.suppliers.imports.tabular import Table
from suppliermatch.suppliers.models import Capability, Equipment, Supplier, SupplierImport
from suppliermatch.suppliers.profiles import rules
from suppliermatch.suppliers.search.service import search_text_for

# Import column -> the other header names that mean it (after tabular.normalise_header).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "supplier_ref": ("external_ref", "ref", "supplier_id", "vendor_code", "vendor_id"),
    "name": ("legal_name", "supplier_name", "enterprise_name", "company_name", "name_of_unit"),
    "trade_name": ("brand_name",),
    "gstin": ("gst", "gst_no", "gst_number", "gstin_no"),
    "udyam": ("udyam_number", "udyam_no", "udyam_registration_number", "urn"),
    "state": (),
    "district": ("city",),
    "pincode": ("pin", "pin_code", "postal_code", "pincode_no"),
    "lat": ("latitude",),
    "lon": ("longitude", "lng", "long"),
    "address": (),
    "categories": ("category",),
    "capabilities": ("capability", "processes", "description", "about"),
    "certifications": ("certificates", "certification"),
    "capacity_per_month": ("monthly_capacity", "capacity"),
    "capacity_unit": ("unit",),
    "best_tolerance_mm": ("tolerance_mm", "tolerance"),
    "employees": ("employee_count", "no_of_employees"),
    "year_established": ("established", "year_of_establishment"),
    "investment_inr": ("investment",),
    "turnover_inr": ("turnover",),
    "contact_name": ("contact", "contact_person"),
    "email": ("e_mail", "email_id"),
    "phone": ("mobile", "phone_number", "contact_number"),
}
REQUIRED_COLUMNS = ("name",)
# The template file's one example row (the import page offers the file): each cell written
# as the import reads it. Its GSTIN and Udyam number are valid in form, not registered.
TEMPLATE_EXAMPLE = {
    "supplier_ref": "EXAMPLE-1",
    "name": "Example Precision Works Pvt Ltd",
    "gstin": "27AAPFU0939F1ZV",
    "udyam": "UDYAM-MH-26-0012345",
    "state": "Maharashtra",
    "district": "Pune",
    "pincode": "411026",
    "categories": "cnc_machining;testing",
    "capabilities": "CNC turning and surface grinding of fixtures; CMM inspection",
    "certifications": "ISO9001|certified|2027-07-28;IATF16949|applied",
    "capacity_per_month": "5000",
    "capacity_unit": "pieces",
    "best_tolerance_mm": "0.01",
    "employees": "42",
    "email": "works@example.in",
    "phone": "+91 98220 12345",
}
# Profile field -> the import column it comes from, where the names differ.
_FIELD_COLUMNS = {"legal_name": "name", "udyam_number": "udyam", "about": "capabilities"}
_PROFILE_FIELD_OF = {column: field for field, column in _FIELD_COLUMNS.items()}
_TEXT_PROFILE_COLUMNS = (
    "name",
    "trade_name",
    "gstin",
    "udyam",
    "state",
    "district",
    "pincode",
    "address",
    "contact_name",
    "email",
    "phone",
)
_NUMBER_PROFILE_COLUMNS = {
    # column: (whole number?, how a written amount is read)
    "lat": False,
    "lon": False,
    "employees": True,
    "year_established": True,
}
_RUPEE_COLUMNS = ("investment_inr", "turnover_inr")
# Separators inside a cell: categories "a;b", certifications "CODE|status|date;...".
LIST_SEPARATOR = re.compile(r"[;,]")
CERTIFICATE_SEPARATOR = ";"
CERTIFICATE_PART_SEPARATOR = "|"
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
IMPORT_REPORT_MAX_PROBLEMS = 1000
# Capacity columns stored on the supplier as well as on its capability rows.
SUPPLIER_CAPACITY_FIELDS = ("capacity_per_month", "capacity_unit")
# Suppliers written (and rows checked against the database) a statement at a time.
_BATCH = 2000


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    GOOD_ROWS_ONLY = "good_rows_only"


class ImportOutcome(StrEnum):
    IMPORTED = "imported"
    PARTIAL = "partial"
    REJECTED = "rejected"


@dataclass
class _Row:
    """One spreadsheet row after its own checks, then matched to a supplier."""

    number: int
    ref: str | None
    profile: dict  # cleaned profile fields from non-empty cells
    capabilities: dict  # (category, process) -> capability values
    certificates: dict  # code -> (state, expires_on)
    problems: dict = field(default_factory=dict)  # column -> message
    warnings: dict = field(default_factory=dict)  # column -> message: dropped, row kept
    # The supplier the row lands on (see _Resolver), and whether its ref goes with it.
    target: int | None = None
    gives_ref: bool = False


@dataclass
class _Target:
    """A supplier the file writes: an existing one (``supplier_id``) or a new one."""

    supplier_id: int | None
    rows: list[int] = field(default_factory=list)
    profile: dict = field(default_factory=dict)
    capabilities: dict = field(default_factory=dict)
    certificates: dict = field(default_factory=dict)
    external_ref: str | None = None


def column_mapping(headers: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Import column -> header in the file, and the headers nobody asked for."""
    by_name = {}
    for column, others in COLUMN_NAMES.items():
        for name in (column, *others):
            by_name.setdefault(name, column)
    mapping: dict[str, str] = {}
    unused: list[str] = []
    for header in headers:
        column = by_name.get(header)
        if column is None or column in mapping:
            unused.append(header)
        else:
            mapping[column] = header
    missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
    if missing:
        raise ValidationFailed(
            "The file has no " + ", ".join(missing) + " column; the first row must name "
            "the columns (e.g. supplier_ref, name, gstin, udyam, state, district, pincode).",
            field="file",
        )
    return mapping, unused


@garbage_collection_paused()
def import_suppliers(
    session: Session,
    table: Table,
    *,
    filename: str,
    cluster_id: int | None,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING,
    uploaded_by_id: int | None = None,
    only_within_cluster: bool = True,
    progress: Callable[[int], None] | None = None,
) -> SupplierImport:
    """Check and import ``table``; return the import's record with its report.

    New suppliers join ``cluster_id``. With ``only_within_cluster`` (a coordinator's
    import) a row that matches a supplier of another cluster is refused. Nothing is
    committed here; a rejected file writes only its SupplierImport record. Progress
    counts each row twice, once checked and once written (``Table.count_rows()`` is the
    total's half). A file damaged further in raises TableError before anything is written.
    """
    mapping, unused = column_mapping(table.headers)
    report = _Report(mapping, unused)
    resolver = _Resolver(session, cluster_id if only_within_cluster else None)
    tick = progress or (lambda count: None)
    with tempfile.TemporaryFile() as spill:
        for chunk in _chunked(table.rows(), _BATCH):
            rows = [_parse_row(raw.number, raw.values, mapping) for raw in chunk]
            resolver.resolve(rows, report)
            report.add(rows)
            pickle.dump([_spilled(row) for row in rows if not row.problems], spill)
            tick(len(rows))
        if report.bad_rows and mode == ImportMode.ALL_OR_NOTHING:
            outcome, created, updated, landed = ImportOutcome.REJECTED, 0, 0, []
        else:
            outcome = ImportOutcome.PARTIAL if report.bad_rows else ImportOutcome.IMPORTED
            spill.seek(0)
            writer = _Writer(session, cluster_id, tick)
            created, updated, landed = writer.write_all(_targets(spill, resolver.last_rows))
    # The second count of the rows that were not written.
    tick(report.bad_rows)
    record = SupplierImport(
        cluster_id=cluster_id,
        uploaded_by_id=uploaded_by_id,
        filename=filename[:255],
        mode=mode.value,
        outcome=outcome.value,
        rows_total=report.rows,
        rows_created=created,
        rows_updated=updated,
        rows_rejected=report.bad_rows,
        problems_total=report.problems_total,
        problems=report.problems,
        notices=report.notices(),
        supplier_ids=sorted(landed),
    )
    session.add(record)
    session.flush()
    return record


class _Report:
    """What the import report says, kept as the rows go by: counts, and the first
    IMPORT_REPORT_MAX_PROBLEMS problems and notices of each kind."""

    def __init__(self, mapping: dict[str, str], unused: list[str]):
        self.mapping = mapping
        self.rows = 0
        self.bad_rows = 0
        self.problems_total = 0
        self.problems: list[dict] = []
        self.unused = [
            {"row": None, "ref": "", "field": header, "problem": "column not used by the import"}
            for header in unused
        ]
        self.combined: list[dict] = []  # two rows for one enterprise
        self.warnings: list[dict] = []  # a cell dropped, its row kept

    def combine(self, row: _Row, column: str, problem: str) -> None:
        _append_capped(self.combined, _line(row, column, problem))

    def add(self, rows: list[_Row]) -> None:
        """Count checked and matched rows and note what the report says of them."""
        self.rows += len(rows)
        for row in rows:
            if row.problems:
                self.bad_rows += 1
                self.problems_total += len(row.problems)
                for column, message in row.problems.items():
                    _append_capped(self.problems, self._line(row, column, message))
            else:
                for column, message in row.warnings.items():
                    _append_capped(self.warnings, self._line(row, column, message))

    def notices(self) -> list[dict]:
        return (self.unused + self.combined + self.warnings)[:IMPORT_REPORT_MAX_PROBLEMS]

    def _line(self, row: _Row, column: str, message: str) -> dict:
        return _line(row, self.mapping.get(column, column), message)


def _line(row: _Row, field: str, problem: str) -> dict:
    return {"row": row.number, "ref": row.ref or "", "field": field, "problem": problem}


def _append_capped(lines: list[dict], line: dict) -> None:
    if len(lines) < IMPORT_REPORT_MAX_PROBLEMS:
        lines.append(line)


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _spilled(row: _Row) -> tuple:
    """What the writing pass needs of a good row (in the temporary file between passes)."""
    ref = row.ref if row.gives_ref else None
    return (row.target, row.number, ref, row.profile, row.capabilities, row.certificates)


def _targets(spill, last_rows: dict[int, int]) -> Iterator[_Target]:
    """The suppliers to write, from the good rows in the temporary file: each when its
    last row has been read (rows for one enterprise are combined, later cells winning)."""
    open_targets: dict[int, _Target] = {}
    while True:
        try:
            # The file this import wrote itself, moments ago: nothing else can reach it.
            rows = pickle.load(spill)  # noqa: S301
        except EOFError:
            return
        for key, number, ref, profile, capabilities, certificates in rows:
            target = open_targets.pop(key, None) or _Target(supplier_id=key if key > 0 else None)
            target.rows.append(number)
            target.profile.update(profile)
            target.capabilities.update(capabilities)
            target.certificates.update(certificates)
            target.external_ref = target.external_ref or ref
            if last_rows.get(key, number) == number:
                yield target
            else:
                open_targets[key] = target


# The tables a bulk import loads. PostgreSQL's advice after loading many rows is to ANALYZE
# them (https://www.postgresql.org/docs/current/populate.html#POPULATE-ANALYZE): until the
# planner has statistics it takes the new tables for empty and scans them in full despite
# their indexes (issue 25: a 180 ms sequential scan of 2.5M certificates on every ranking
# until autovacuum, delayed or off on some servers, got round to it). SQLite's ANALYZE
# likewise fills sqlite_stat1, which its planner reads.
IMPORTED_TABLES: tuple[type[SQLModel], ...] = (Supplier, Capability, SupplierCertificate)


def analyze_imported_tables(session: Session) -> None:
    """Refresh the planner statistics of the tables a bulk import has written."""
    for model in IMPORTED_TABLES:
        session.execute(text(f"ANALYZE {model.__tablename__}"))


# -- one row on its own ------------------------------------------------------------------


def _parse_row(number: int, values: dict[str, str], mapping: dict[str, str]) -> _Row:
    cells = dict.fromkeys(COLUMN_NAMES, "")
    cells.update({column: values.get(header, "") for column, header in mapping.items()})
    cell = cells.__getitem__  # every import column, "" when the file has none

    problems: dict[str, str] = {}
    if not cell("name").strip():
        problems["name"] = "is required"
    raw: dict = {}
    for column in _TEXT_PROFILE_COLUMNS:
        text = cell(column)
        if text:
            raw[_PROFILE_FIELD_OF.get(column, column)] = text
    for column, whole in _NUMBER_PROFILE_COLUMNS.items():
        text = cell(column)
        if text:
            raw[column] = _number(text, column, problems, whole=whole)
    for column in _RUPEE_COLUMNS:
        text = cell(column)
        if text:
            raw[column] = _rupees(text, column, problems)
    categories_text = cell("categories")
    if categories_text:
        raw["categories"] = [c for c in LIST_SEPARATOR.split(categories_text) if c.strip()]
    about = cell("capabilities")
    if about:
        raw["about"] = about

    profile, profile_problems = rules.clean_profile(
        {k: v for k, v in raw.items() if v is not None}, current=None
    )
    warnings: dict[str, str] = {}
    for profile_field, message in profile_problems.items():
        column = _column_of(profile_field)
        if profile_field in rules.CONTACT_FIELDS:
            # A contact that cannot be read costs the contact, not the supplier.
            article = "an" if profile_field == "email" else "a"
            shown = f"{cell(column)[:60]!r}: " if cell(column)[:60] not in message else ""
            warnings[column] = f"{shown}{message}; imported without {article} {column}"
            profile.pop(profile_field, None)
        else:
            problems.setdefault(column, message)
    ref = cell("supplier_ref") or None
    if ref is not None and len(ref) > 40:
        problems["supplier_ref"] = f"must have at most 40 characters, got {len(ref)}"
    if not (profile.get("gstin") or profile.get("udyam_number") or ref) and not (
        problems.keys() & {"gstin", "udyam"}
    ):
        problems["supplier_ref"] = (
            "give a GSTIN, a Udyam number or a supplier_ref, so that importing the file "
            "again updates this supplier instead of adding it twice"
        )
    capacity = _number(cell("capacity_per_month"), "capacity_per_month", problems)
    unit = cell("capacity_unit") or None
    capabilities = _capabilities(
        profile.get("categories") or [],
        about,
        capacity=capacity,
        tolerance=_number(cell("best_tolerance_mm"), "best_tolerance_mm", problems),
        unit=unit,
        problems=problems,
    )
    # The unit's own capacity, kept on the supplier too: a row whose text names no taxonomy
    # process gets no capability row to carry it, and the capacity rule still needs it.
    if capacity is not None and "capacity_per_month" not in problems:
        profile.update(capacity_per_month=capacity, capacity_unit=unit)
    certificates = _certificates(cell("certifications"), problems)
    return _Row(number, ref, profile, capabilities, certificates, problems, warnings)


def _column_of(profile_field: str) -> str:
    return _FIELD_COLUMNS.get(profile_field, profile_field)


def _number(text: str, column: str, problems: dict, *, whole: bool = False):
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        problems[column] = f"{text[:30]!r} is not a number"
        return None
    if whole and value.is_integer():
        return int(value)
    return value


def _rupees(text: str, column: str, problems: dict):
    try:
        return parse_inr(text, field=column)
    except AmountError as error:
        problems[column] = error.message
        return None


@lru_cache(maxsize=65_536)
def _read(text: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """What the matching engine reads in a capability text: the (category, process) of each
    service it offers (not the machines it lists) and the categories it names. Import and
    ranking read free text the same way, abbreviations and typos included."""
    analysis = default_matcher().analyse_supplier_text(text)
    taxonomy = default_taxonomy()
    offered = tuple(
        (taxonomy.process(mention.process).category, mention.process)
        for mention in analysis.mentions
        if not mention.equipment
    )
    return offered, analysis.categories


def _capabilities(categories, text, *, capacity, tolerance, unit, problems) -> dict:
    """Capabilities a row declares: each process its text names (within its declared
    categories, when it declares any), and each declared category no process covers."""
    given = {"capacity_per_month": capacity, "best_tolerance_mm": tolerance, "capacity_unit": unit}
    _, found = rules.clean_capability({k: v for k, v in given.items() if v is not None})
    for column, message in found.items():
        problems.setdefault(column, message)
    description = (text or "")[: rules.CAPABILITY_TEXT_LIMITS["description"]]
    common = {
        "description": description,
        "capacity_per_month": capacity,
        "capacity_unit": unit,
        "best_tolerance_mm": tolerance,
    }
    capabilities: dict = {}
    offered, named_categories = _read(text) if text else ((), frozenset())
    for category, process in offered:
        if not categories or category in categories:
            capabilities[(category, process)] = {"category": category, "process": process, **common}
    covered = {category for category, _ in capabilities}
    for category in categories:
        if category not in covered:
            capabilities[(category, None)] = {"category": category, "process": None, **common}
    if not capabilities and (capacity is not None or tolerance is not None):
        # No declared category and no process recognised: keep the capacity and tolerance
        # buyers filter on, under the categories the text names, rather than drop them.
        for category in sorted(named_categories):
            capabilities[(category, None)] = {"category": category, "process": None, **common}
    return capabilities


_CERT_STATUSES = frozenset(status.value for status in CertStatus)


def _certificates(text: str, problems: dict) -> dict:
    """``CODE|status|valid_until;...`` -> {code: (status, valid_until)}."""
    found: dict = {}
    catalogue = default_catalogue()
    for entry in filter(None, (part.strip() for part in text.split(CERTIFICATE_SEPARATOR))):
        parts = [part.strip() for part in entry.split(CERTIFICATE_PART_SEPARATOR)]
        code = parts[0].upper() if parts[0].upper() in catalogue else catalogue.code_for(parts[0])
        if code is None:
            problems["certifications"] = f"unknown certificate {parts[0][:40]!r}"
            return {}
        status = parts[1].lower().replace(" ", "_") if len(parts) > 1 and parts[1] else "certified"
        if status not in _CERT_STATUSES:
            known = ", ".join(s.value for s in CertStatus)
            problems["certifications"] = f"{code}: unknown status {parts[1]!r} (known: {known})"
            return {}
        valid_until = None
        if len(parts) > 2 and parts[2]:
            valid_until = _date(parts[2])
            if valid_until is None:
                problems["certifications"] = (
                    f"{code}: {parts[2][:20]!r} is not a date (write it as YYYY-MM-DD)"
                )
                return {}
        if len(parts) > 3:
            problems["certifications"] = (
                f"{entry[:60]!r}: write each certificate as CODE|status|valid_until"
            )
            return {}
        found[code] = (status, valid_until)
    return found


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# -- which supplier each row is ------------------------------------------------------------


class _Resolver:
    """Matches rows to suppliers: by GSTIN, else Udyam number, else supplier_ref.

    A row's target is a stored supplier's id, or minus the number of the first row of a
    new one. What is kept is what the matching rules need, for the file's rows and for
    the stored suppliers they name (looked up a chunk of rows at a time): each identifier
    and its target, what identifiers each target holds, and which targets take more than
    one row. Memory grows with the rows' identifiers only, not with their contents.
    """

    def __init__(self, session: Session, only_cluster_id: int | None):
        self.session = session
        self.only_cluster_id = only_cluster_id
        self.by_key: dict[str, dict[str, int]] = {kind: {} for kind in _KEY_COLUMNS}
        # Stored suppliers seen: id -> [cluster_id, gstin, udyam, first row in the file]
        # (identifiers as held now; one list a supplier: a re-import names them all).
        self.existing: dict[int, list] = {}
        self.merged_into: dict[int, int] = {}
        # New targets: the identifiers they hold, by first row number (bit per kind).
        self.held_new = bytearray()
        # Every multi-row target's last row.
        self.last_rows: dict[int, int] = {}
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def resolve(self, rows: list[_Row], report: _Report) -> None:
        good = [row for row in rows if not row.problems]
        self._look_up(good)
        for row in good:
            self._resolve_row(row, report)

    def _look_up(self, rows: list[_Row]) -> None:
        """Load the stored suppliers the rows' identifiers name, and whom they merged into."""
        unseen = {
            kind: list(
                {
                    value
                    for row in rows
                    if (value := _row_key(row, kind)) and value not in self.by_key[kind]
                }
            )
            for kind in _KEY_COLUMNS
        }
        for kind, column in _KEY_COLUMNS.items():
            if self.postgresql:
                # One array parameter however many values: an OR of IN lists of 300 took
                # 17 ms a query to plan and run, a third of the check pass (issue 25).
                self._remember(column == any_(bindparam(kind, unseen[kind], ARRAY(column.type))))
                continue
            for chunk in id_chunks(unseen[kind]):
                self._remember(column.in_(chunk))
        while missing := [i for i in set(self.merged_into.values()) if i not in self.existing]:
            for chunk in id_chunks(missing):
                self._remember(Supplier.id.in_(chunk))

    def _remember(self, condition) -> None:
        columns = (
            Supplier.id,
            *_KEY_COLUMNS.values(),
            Supplier.merged_into_id,
            Supplier.cluster_id,
        )
        for supplier_id, gstin, udyam, ref, merged_into, cluster in self.session.execute(
            select(*columns).where(condition)
        ):
            for kind, value in zip(_KEY_COLUMNS, (gstin, udyam, ref), strict=True):
                if value:
                    self.by_key[kind][value] = supplier_id
            if merged_into:
                self.merged_into[supplier_id] = merged_into
            self.existing[supplier_id] = [cluster, gstin, udyam, None]

    def _survivor(self, key: int) -> int:
        seen = set()
        while key in self.merged_into and key not in seen:
            seen.add(key)
            key = self.merged_into[key]
        return key

    def _holds_other(self, target: int, position: int, value: str) -> bool:
        """Whether ``target`` already holds an identifier of this kind other than ``value``."""
        kind = _IDENTITY_KINDS[position]
        if target > 0:
            held = self.existing[target][1 + position]
            return held is not None and held != value
        # A new target holds one value of a kind, the one it was registered under.
        holds = self.held_new[-target] & (1 << position)
        return bool(holds) and self.by_key[kind].get(value) != target

    def _hold(self, target: int, position: int, value: str) -> None:
        if target > 0:
            known = self.existing[target]
            known[1 + position] = known[1 + position] or value
        else:
            self.held_new[-target] |= 1 << position

    def _resolve_row(self, row: _Row, report: _Report) -> None:
        keys = [
            ("gstin", "gstin", row.profile.get("gstin")),
            ("udyam_number", "udyam", row.profile.get("udyam_number")),
            ("external_ref", "supplier_ref", row.ref),
        ]
        matches = [
            (kind, column, self._survivor(self.by_key[kind][value]))
            for kind, column, value in keys
            if value and value in self.by_key[kind]
        ]
        target = matches[0][2] if matches else None
        for _kind, column, key in matches[1:]:
            if key != target:
                row.problems[column] = (
                    f"belongs to another supplier than the {_label(matches[0][0])} of this row"
                )
                return
        first_row = None
        if target is not None and target > 0:
            cluster_id = self.existing[target][0]
            if self.only_cluster_id is not None and cluster_id != self.only_cluster_id:
                column = matches[0][1]
                row.problems[column] = (
                    f"this {_label(matches[0][0])} is registered to a supplier outside this "
                    "cluster; ask an admin to move it"
                )
                return
            first_row = self.existing[target][3]
        elif target is not None:
            first_row = -target
        for position, (kind, column, value) in enumerate(keys[:2]):
            if value and target is not None and self._holds_other(target, position, value):
                row.problems[column] = (
                    f"differs from the {_label(kind)} already recorded for this supplier "
                    f"(matched by its {_label(matches[0][0])})"
                )
                return
        if target is None:
            target = -row.number
            if len(self.held_new) <= row.number:
                self.held_new.extend(bytes(row.number + 1 - len(self.held_new)))
        elif first_row is not None:
            report.combine(
                row,
                matches[0][1],
                f"same {_label(matches[0][0])} as row {first_row}: "
                "both rows were combined into one supplier",
            )
            self.last_rows[target] = row.number
        if target > 0:
            self.existing[target][3] = self.existing[target][3] or row.number
        # A ref still held by a merged-away supplier stays with it (refs are unique).
        ref_owner = self.by_key["external_ref"].get(row.ref) if row.ref else None
        row.gives_ref = ref_owner is None or ref_owner == target
        for position, (kind, _, value) in enumerate(keys):
            if value:
                self.by_key[kind].setdefault(value, target)
                if position < len(_IDENTITY_KINDS):
                    self._hold(target, position, value)
        row.target = target


# The identifiers a supplier holds one of and a row must not contradict, in _KEY_COLUMNS order.
_IDENTITY_KINDS = ("gstin", "udyam_number")


def _row_key(row: _Row, kind: str) -> str | None:
    return row.ref if kind == "external_ref" else row.profile.get(kind)


def _label(kind: str) -> str:
    return {"gstin": "GSTIN", "udyam_number": "Udyam number", "external_ref": "supplier_ref"}[kind]


# -- writing ---------------------------------------------------------------------------------


def _defaults(model: type[SQLModel]) -> dict:
    """A row's default values as the model declares them (Core inserts skip pydantic)."""
    values = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        default = info.get_default(call_default_factory=True)
        if default is not None or not info.is_required():
            values[name] = default
    return values


class _Writer:
    def __init__(self, session: Session, cluster_id: int | None, tick: Callable[[int], None]):
        self.session = session
        self.cluster_id = cluster_id
        self.tick = tick
        self.now = utcnow()
        # (supplier id, code) -> (id, state, expires_on) of the latest stored record.
        self.held: dict[tuple[int, str], tuple] = {}

    def write_all(self, targets: Iterable[_Target]) -> tuple[int, int, list[int]]:
        """Write the targets a chunk at a time: (suppliers created, updated, ids landed on)."""
        created = updated = 0
        landed: list[int] = []
        for chunk in _chunked(targets, _BATCH):
            new, changed = self.write(chunk)
            created, updated = created + new, updated + changed
            landed.extend(target.supplier_id for target in chunk)
        return created, updated, landed

    def write(self, targets: list[_Target]) -> tuple[int, int]:
        self.held = {}  # filled for this chunk's stored suppliers by _update_existing
        new = [t for t in targets if t.supplier_id is None]
        old = [t for t in targets if t.supplier_id is not None]
        self._insert_new(new)
        self.tick(sum(len(t.rows) for t in new))
        changed = self._update_existing(old)
        self.tick(sum(len(t.rows) for t in old))
        self._replace_capabilities(new + changed, replace=changed)
        self._write_certificates(new, changed)
        self._refresh_search_text(changed)
        return len(new), len(changed)

    def _insert_new(self, targets: list[_Target]) -> None:
        defaults = _defaults(Supplier)
        rows = []
        for target in targets:
            row = {**defaults, **target.profile}
            row.update(
                external_ref=target.external_ref,
                cluster_id=self.cluster_id,
                created_at=self.now,
                updated_at=self.now,
            )
            row["search_text"] = search_text_for(row, target.capabilities.values(), [])
            rows.append(row)
        for target, row, supplier_id in zip(targets, rows, self._new_ids(len(rows)), strict=True):
            target.supplier_id = row["id"] = supplier_id
        self._insert_many(Supplier, rows)

    def _new_ids(self, count: int) -> list[int]:
        """Ids for new suppliers taken before they are written, so that their capability and
        certificate rows can name them without reading the suppliers back."""
        if not count:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            sequence = func.pg_get_serial_sequence(Supplier.__tablename__, "id")
            numbers = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            return list(self.session.scalars(numbers))
        # SQLite numbers a row max(id) + 1 itself; this transaction took the write lock
        # when it began (BEGIN IMMEDIATE, see database.py), so no one else inserts meanwhile.
        start = (self.session.scalar(select(func.max(Supplier.id))) or 0) + 1
        return list(range(start, start + count))

    def _update_existing(self, targets: list[_Target]) -> list[_Target]:
        """Write rows whose values differ from what is stored; return the changed ones."""
        if not targets:
            return []
        stored = self._stored_profiles([t.supplier_id for t in targets])
        stored_caps = self._stored_capabilities([t.supplier_id for t in targets])
        self.held = self._latest_certificates([t.supplier_id for t in targets])
        changed, writes = [], []
        for target in targets:
            current = stored[target.supplier_id]
            profile, problems = rules.clean_profile(target.profile, current=current)
            # Cross-field checks passed row by row already; what is left is the merge.
            profile = {k: v for k, v in profile.items() if k not in problems}
            profile.update(
                {k: target.profile[k] for k in SUPPLIER_CAPACITY_FIELDS if k in target.profile}
            )
            merged = {**current, **profile}
            if target.external_ref and not current.get("external_ref"):
                merged["external_ref"] = target.external_ref
            if merged.get("cluster_id") is None:
                merged["cluster_id"] = self.cluster_id
            caps = Counter(map(_capability_key, target.capabilities.values()))
            certs_same = all(
                self.held.get((target.supplier_id, code), (None,))[1:] == value
                for code, value in target.certificates.items()
            )
            if (
                merged == current
                and caps == stored_caps.get(target.supplier_id, Counter())
                and certs_same
            ):
                continue
            target.profile = merged
            changed.append(target)
            writes.append({"_id": target.supplier_id, **{f"_{k}": v for k, v in merged.items()}})
        if writes:
            columns = list(changed[0].profile)
            statement = (
                update(Supplier)
                .where(Supplier.id == bindparam("_id"))
                .values(
                    {name: bindparam(f"_{name}") for name in columns}
                    | {"updated_at": self.now, "version": Supplier.version + 1}
                )
            )
            for start in range(0, len(writes), _BATCH):
                self.session.connection().execute(statement, writes[start : start + _BATCH])
        return changed

    def _stored_profiles(self, ids: list[int]) -> dict[int, dict]:
        names = [
            *rules.PROFILE_FIELDS,
            *SUPPLIER_CAPACITY_FIELDS,
            "pan",
            "enterprise_class",
            "external_ref",
            "cluster_id",
        ]
        columns = [Supplier.id, *(getattr(Supplier, name) for name in names)]
        stored = {}
        for chunk in id_chunks(ids):
            for row in self.session.execute(select(*columns).where(Supplier.id.in_(chunk))):
                stored[row[0]] = dict(zip(names, row[1:], strict=True))
        return stored

    def _stored_capabilities(self, ids: list[int]) -> dict[int, Counter]:
        found: dict[int, Counter] = {}
        for chunk in id_chunks(ids):
            statement = select(Capability).where(
                Capability.supplier_id.in_(chunk), Capability.source == "import"
            )
            for capability in self.session.execute(statement).scalars():
                found.setdefault(capability.supplier_id, Counter())[
                    _capability_key(capability.model_dump())
                ] += 1
        return found

    def _replace_capabilities(self, targets: list[_Target], *, replace: list[_Target]) -> None:
        for chunk in id_chunks([t.supplier_id for t in replace]):
            self.session.execute(
                delete(Capability)
                .where(Capability.supplier_id.in_(chunk), Capability.source == "import")
                .execution_options(synchronize_session=False)
            )
        defaults = _defaults(Capability)
        rows = [
            {**defaults, **values, "supplier_id": target.supplier_id, "source": "import"}
            for target in targets
            for values in target.capabilities.values()
        ]
        self._insert_many(Capability, rows)

    def _write_certificates(self, new: list[_Target], changed: list[_Target]) -> None:
        existing = self.held
        defaults = _defaults(SupplierCertificate)
        inserts, updates = [], []
        for target in new + changed:
            for code, (state, expires_on) in target.certificates.items():
                held = existing.get((target.supplier_id, code))
                if held is None:
                    inserts.append(
                        {
                            **defaults,
                            "supplier_id": target.supplier_id,
                            "code": code,
                            "state": state,
                            "expires_on": expires_on,
                            "created_at": self.now,
                            "updated_at": self.now,
                        }
                    )
                elif held[1:] != (state, expires_on):
                    updates.append({"_id": held[0], "_state": state, "_expires_on": expires_on})
        self._insert_many(SupplierCertificate, inserts)
        if updates:
            # New dates or status: a coordinator's earlier verification no longer holds.
            statement = (
                update(SupplierCertificate)
                .where(SupplierCertificate.id == bindparam("_id"))
                .values(
                    state=bindparam("_state"),
                    expires_on=bindparam("_expires_on"),
                    verification="unverified",
                    verified_by_id=None,
                    verified_at=None,
                    updated_at=self.now,
                    version=SupplierCertificate.version + 1,
                )
            )
            self.session.connection().execute(statement, updates)

    def _latest_certificates(self, ids: list[int]) -> dict[tuple[int, str], tuple]:
        found = {}
        columns = (
            SupplierCertificate.id,
            SupplierCertificate.supplier_id,
            SupplierCertificate.code,
            SupplierCertificate.state,
            SupplierCertificate.expires_on,
        )
        for chunk in id_chunks(ids):
            statement = (
                select(*columns)
                .where(SupplierCertificate.supplier_id.in_(chunk))
                .order_by(SupplierCertificate.id)
            )
            for cert_id, supplier_id, code, state, expires_on in self.session.execute(statement):
                found[(supplier_id, code)] = (cert_id, state, expires_on)  # latest wins
        return found

    def _refresh_search_text(self, targets: list[_Target]) -> None:
        """Updated suppliers keep their own (non-imported) capabilities and equipment."""
        if not targets:
            return
        ids = [t.supplier_id for t in targets]
        capabilities: dict[int, list] = {}
        equipment: dict[int, list] = {}
        for chunk in id_chunks(ids):
            for row in self.session.execute(
                select(Capability).where(Capability.supplier_id.in_(chunk))
            ).scalars():
                capabilities.setdefault(row.supplier_id, []).append(row)
            for row in self.session.execute(
                select(Equipment).where(Equipment.supplier_id.in_(chunk))
            ).scalars():
                equipment.setdefault(row.supplier_id, []).append(row)
        writes = [
            {
                "_id": t.supplier_id,
                "_search_text": search_text_for(
                    t.profile,
                    capabilities.get(t.supplier_id, []),
                    equipment.get(t.supplier_id, []),
                ),
            }
            for t in targets
        ]
        statement = (
            update(Supplier)
            .where(Supplier.id == bindparam("_id"))
            .values(search_text=bindparam("_search_text"))
        )
        self.session.connection().execute(statement, writes)

    def _insert_many(self, model: type[SQLModel], rows: list[dict]) -> None:
        """INSERT rows (dicts with the same keys): COPY on PostgreSQL, else the driver's
        executemany.

        Each value goes through its column type's bind processor (JSON, dates) exactly as
        SQLAlchemy would do it, without the per-row bookkeeping of a Core executemany,
        which dominated the import's time. COPY sends the rows as one stream; executemany
        (psycopg's pipeline) cost about 15 us of Python a row on top, at five rows a
        supplier (issue 25).
        """
        if not rows:
            return
        connection = self.session.connection()
        table = model.__table__
        columns = list(rows[0])
        dialect = connection.dialect
        if dialect.name == "postgresql":
            _copy(connection, table, columns, rows)
            return
        compiled = insert(table).compile(dialect=dialect, column_keys=columns)
        order = list(compiled.positiontup) if compiled.positional else columns
        processors = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in columns
        }
        pipeline = [(name, processors[name]) for name in order]
        sql = str(compiled)
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            if compiled.positional:
                params = [tuple(p(row[n]) if p else row[n] for n, p in pipeline) for row in chunk]
            else:
                params = [{n: p(row[n]) if p else row[n] for n, p in pipeline} for row in chunk]
            connection.exec_driver_sql(sql, params)


def _copy(connection, table, columns: list[str], rows: list[dict]) -> None:
    """COPY rows into ``table`` inside the session's transaction (psycopg's own cursor)."""
    dialect = connection.dialect
    # Only a few columns have a bind processor (JSON, dates): the row's values are taken
    # in one itemgetter call and only those few go through Python (issue 25).
    processors = [
        (position, processor)
        for position, name in enumerate(columns)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    values_of = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    quote = dialect.identifier_preparer.quote
    statement = (
        f"COPY {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(name) for name in columns)}) FROM STDIN"
    )
    driver_connection = connection.connection.driver_connection
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = list(values_of(row))
            for position, processor in processors:
                values[position] = processor(values[position])
            copy.write_row(values)


# The identifiers a row is matched by, in the order they are tried.
_KEY_COLUMNS = {
    "gstin": Supplier.gstin,
    "udyam_number": Supplier.udyam_number,
    "external_ref": Supplier.external_ref,
}


def _capability_key(values: dict) -> tuple:
    return tuple(
        (name, values.get(name))
        for name in (
            "category",
            "process",
            "description",
            "capacity_per_month",
            "capacity_unit",
            "best_tolerance_mm",
        )
    )
