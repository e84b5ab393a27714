"""Supplier profiles: who may read and edit them, and how they change.

Access rules, in one place:
- an MSME reads and edits its own profile only;
- anchors and the coordinator of a cluster read the profiles in that cluster, and the
  coordinator (who onboards them) edits them too; anchors never edit;
- admins read and edit everything;
- anyone, signed in or not, reads the public part of a profile (``directory_*``), and an
  anchor the cluster coordinator has not approved (UNVETTED_ANCHOR) reads nothing more.
A profile the actor may not read answers NotFound, never Forbidden, so that its existence
is not revealed. Functions take the session first, never commit, and raise DomainErrors.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import false, func, true, update
from sqlmodel import Session, SQLModel, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Cluster, Organisation
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.service import record_counts_on
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.locking import update_if_current
from suppliermatch.models_base import utcnow
from suppliermatch.suppliers.imports.importer import ImportMode, column_mapping, import_suppliers
from suppliermatch.suppliers.imports.tabular import TableError, open_table
from suppliermatch.suppliers.models import Capability, Equipment, Supplier, SupplierImport
from suppliermatch.suppliers.profiles import rules
from suppliermatch.suppliers.search.service import (
    SearchHit,
    SearchPage,
    directory_scope,
    filters_from_args,
    search_suppliers,
    search_text_for,
)
from suppliermatch.translatable import N_, marked

EDITABLE_FIELDS = rules.PROFILE_FIELDS
# The kinds of user that read full profiles at all (which ones: ``readable_clause``); the
# routes refuse everyone else, unvetted anchors included, before looking a profile up.
PROFILE_READERS = (ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
# The platform itself (demo seed, command line): an admin's reach, no user behind it.
SYSTEM_ACTOR = Actor(kind=ActorKind.ADMIN)
# Values that identify one enterprise: no two suppliers may share them.
UNIQUE_IDENTIFIERS = {"gstin": "GSTIN", "udyam_number": "Udyam number"}


# -- who may see and change what --------------------------------------------------------


def readable_clause(actor: Actor):
    """SQL condition: the suppliers whose full profile ``actor`` may read."""
    if actor.is_admin:
        return true()
    if actor.kind == ActorKind.MSME:
        if actor.supplier_id is None:
            return false()
        return Supplier.id == actor.supplier_id
    if actor.kind in (ActorKind.ANCHOR, ActorKind.COORDINATOR) and actor.cluster_id is not None:
        return Supplier.cluster_id == actor.cluster_id
    return false()


def can_read(actor: Actor, supplier: Supplier) -> bool:
    if actor.is_admin:
        return True
    if actor.kind == ActorKind.MSME:
        return actor.supplier_id is not None and supplier.id == actor.supplier_id
    if actor.kind in (ActorKind.ANCHOR, ActorKind.COORDINATOR):
        return actor.cluster_id is not None and supplier.cluster_id == actor.cluster_id
    return False


def can_edit(actor: Actor, supplier: Supplier) -> bool:
    if not can_read(actor, supplier):
        return False
    return actor.kind != ActorKind.ANCHOR


def get_supplier_for(session: Session, actor: Actor, supplier_id: int) -> Supplier:
    """The full profile, if ``actor`` may read it; NotFound otherwise."""
    return _readable(actor, session.get(Supplier, supplier_id))


def read_profile(session: Session, actor: Actor, supplier_id: int) -> dict:
    """``profile_view`` of a supplier ``actor`` may read (NotFound otherwise), with the
    supplier and its cluster read in one round trip: the most requested read of the API."""
    row = session.exec(
        select(Supplier, Cluster)
        .outerjoin(Cluster, Cluster.id == Supplier.cluster_id)
        .where(Supplier.id == supplier_id)
    ).first()
    supplier, cluster = row if row else (None, None)
    return profile_view(session, _readable(actor, supplier), cluster=cluster)


def _readable(actor: Actor, supplier: Supplier | None) -> Supplier:
    if supplier is None or not can_read(actor, supplier):
        raise NotFound("No such supplier.")
    return supplier


def get_supplier_to_edit(session: Session, actor: Actor, supplier_id: int) -> Supplier:
    supplier = get_supplier_for(session, actor, supplier_id)
    if not can_edit(actor, supplier):
        raise Forbidden("Only the supplier itself or its cluster coordinator can change it.")
    if supplier.merged_into_id is not None:
        raise Conflict(
            N_(
                "This profile was merged into supplier %(id)s; edit that one.",
                id=supplier.merged_into_id,
            )
        )
    return supplier


def own_supplier(session: Session, actor: Actor) -> Supplier:
    """An MSME user's own profile."""
    if actor.kind != ActorKind.MSME and not actor.is_admin:
        raise Forbidden("Only MSME accounts have a supplier profile.")
    if actor.supplier_id is None:
        raise NotFound("Your organisation has no supplier profile yet.")
    return get_supplier_for(session, actor, actor.supplier_id)


def get_public_supplier(session: Session, supplier_id: int) -> Supplier:
    """A profile listed in the public directory (its public part is for anyone)."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or not supplier.is_public or supplier.merged_into_id is not None:
        raise NotFound("No such supplier in the directory.")
    return supplier


# -- creating and changing a profile ---------------------------------------------------------


def create_profile_for_organisation(session: Session, organisation: Organisation) -> Supplier:
    """The empty profile an MSME gets when it signs up: its name, its cluster."""
    supplier = Supplier(
        organisation_id=organisation.id,
        cluster_id=organisation.cluster_id,
        legal_name=organisation.name,
    )
    supplier.search_text = search_text_for(supplier, [], [])
    session.add(supplier)
    session.flush()
    return supplier


def create_supplier(
    session: Session, actor: Actor, *, values: Mapping, cluster_slug: str | None = None
) -> Supplier:
    """A new profile: coordinators add to their cluster, admins to any (or none), and an
    MSME without a profile creates its own, in its organisation's cluster."""
    organisation_id = None
    if actor.kind == ActorKind.MSME:
        if actor.supplier_id is not None:
            raise Conflict("Your organisation already has a supplier profile.")
        if cluster_slug:
            raise ValidationFailed(
                "Your profile joins your organisation's cluster.", field="cluster"
            )
        organisation_id, cluster_id = actor.organisation_id, actor.cluster_id
    elif actor.kind == ActorKind.COORDINATOR or actor.is_admin:
        cluster_id = import_cluster_for(session, actor, cluster_slug)
    else:
        raise Forbidden("Only MSMEs, coordinators and admins add supplier profiles.")
    clean = _checked_profile({"legal_name": None, **values}, current=None)
    _refuse_taken_identifiers(session, clean, supplier_id=None)
    supplier = Supplier(organisation_id=organisation_id, cluster_id=cluster_id, **clean)
    supplier.search_text = search_text_for(supplier, [], [])
    session.add(supplier)
    session.flush()
    return supplier


def update_supplier(
    session: Session, actor: Actor, supplier_id: int, *, version: int, values: Mapping
) -> Supplier:
    """Change profile fields, if nobody else saved the profile since ``version`` was read."""
    supplier = get_supplier_to_edit(session, actor, supplier_id)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            "These fields cannot be changed here.", errors={f: ["cannot be set"] for f in unknown}
        )
    current = {field: getattr(supplier, field) for field in EDITABLE_FIELDS}
    clean = _checked_profile(values, current=current)
    _refuse_taken_identifiers(session, clean, supplier_id=supplier.id)
    changed = {field: value for field, value in clean.items() if getattr(supplier, field) != value}
    changed["search_text"] = search_text_for(
        {**supplier.model_dump(), **changed},
        capabilities_of(session, supplier.id),
        equipment_of(session, supplier.id),
    )
    update_if_current(
        session, Supplier, supplier.id, what="profile", version=version, values=changed
    )
    session.refresh(supplier)
    return supplier


def _checked_profile(values: Mapping, *, current: Mapping | None) -> dict:
    clean, problems = rules.clean_profile(values, current=current)
    if problems:
        raise ValidationFailed(
            "Some fields are not valid: " + ", ".join(sorted(problems)),
            errors={field: [message] for field, message in problems.items()},
        )
    return clean


def _refuse_taken_identifiers(session: Session, clean: Mapping, *, supplier_id: int | None):
    errors = {}
    for field, label in UNIQUE_IDENTIFIERS.items():
        value = clean.get(field)
        if not value:
            continue
        owner = session.scalar(select(Supplier.id).where(getattr(Supplier, field) == value))
        if owner is not None and owner != supplier_id:
            errors[field] = [
                f"this {label} is already registered on SupplierMatch; if it is yours, "
                "ask your cluster coordinator to merge the two profiles"
            ]
    if errors:
        raise ValidationFailed("An identifier belongs to another supplier.", errors=errors)


# -- capabilities and equipment ------------------------------------------------------------


@dataclass(frozen=True)
class ChildKind:
    """A list that belongs to a profile: capabilities or equipment."""

    model: type[SQLModel]
    label: str
    clean: Callable[..., tuple[dict, dict]]
    required: tuple[str, ...]


def _clean_equipment(values: Mapping, current: Mapping | None = None):
    return rules.clean_equipment(values)


CAPABILITIES = ChildKind(Capability, N_("capability"), rules.clean_capability, ("category",))
EQUIPMENT = ChildKind(Equipment, N_("equipment"), _clean_equipment, ("machine",))


def capabilities_of(session: Session, supplier_id: int) -> list[Capability]:
    return list_children(session, CAPABILITIES, supplier_id)


def equipment_of(session: Session, supplier_id: int) -> list[Equipment]:
    return list_children(session, EQUIPMENT, supplier_id)


def list_children(session: Session, kind: ChildKind, supplier_id: int) -> list:
    model = kind.model
    return list(
        session.exec(select(model).where(model.supplier_id == supplier_id).order_by(model.id))
    )


def list_children_for(session: Session, actor: Actor, kind: ChildKind, supplier_id: int) -> list:
    get_supplier_for(session, actor, supplier_id)
    return list_children(session, kind, supplier_id)


def add_child(
    session: Session, actor: Actor, kind: ChildKind, supplier_id: int, *, values: Mapping
):
    supplier = get_supplier_to_edit(session, actor, supplier_id)
    clean = _checked_child(kind, values, current=None)
    missing = [field for field in kind.required if clean.get(field) is None]
    if missing:
        raise ValidationFailed(
            N_(
                "A %(kind)s needs: %(missing)s", kind=marked(kind.label), missing=", ".join(missing)
            ),
            errors={field: ["is required"] for field in missing},
        )
    row = kind.model(supplier_id=supplier.id, **clean)
    session.add(row)
    session.flush()
    _after_children_change(session, supplier)
    return row


def update_child(
    session: Session,
    actor: Actor,
    kind: ChildKind,
    supplier_id: int,
    child_id: int,
    *,
    version: int,
    values: Mapping,
):
    supplier, row = child_to_edit(session, actor, kind, supplier_id, child_id)
    clean = _checked_child(kind, values, current=row.model_dump())
    for field in kind.required:
        if field in clean and clean[field] is None:
            raise ValidationFailed(N_("%(field)s is required", field=field), field=field)
    if kind is CAPABILITIES:
        clean["source"] = "profile"  # a person's edit: a re-import leaves it alone now
    update_if_current(session, kind.model, row.id, what=kind.label, version=version, values=clean)
    session.refresh(row)
    _after_children_change(session, supplier)
    return row


def delete_child(
    session: Session,
    actor: Actor,
    kind: ChildKind,
    supplier_id: int,
    child_id: int,
    *,
    version: int,
) -> None:
    supplier, row = child_to_edit(session, actor, kind, supplier_id, child_id)
    if row.version != version:
        raise Conflict(
            N_(
                "Someone else changed this %(kind)s after you opened it; reload and try again.",
                kind=marked(kind.label),
            ),
            field="version",
        )
    session.delete(row)
    session.flush()
    _after_children_change(session, supplier)


def child_to_edit(session: Session, actor: Actor, kind: ChildKind, supplier_id: int, child_id: int):
    supplier = get_supplier_to_edit(session, actor, supplier_id)
    row = session.get(kind.model, child_id)
    if row is None or row.supplier_id != supplier.id:
        raise NotFound(N_("No such %(what)s.", what=marked(kind.label)))
    return supplier, row


def _checked_child(kind: ChildKind, values: Mapping, *, current: Mapping | None) -> dict:
    clean, problems = kind.clean(values, current=current)
    if problems:
        raise ValidationFailed(
            N_(
                "The %(kind)s has fields that are not valid: %(fields)s",
                kind=marked(kind.label),
                fields=", ".join(sorted(problems)),
            ),
            errors={field: [message] for field, message in problems.items()},
        )
    return clean


def _after_children_change(session: Session, supplier: Supplier) -> None:
    """A profile's lists changed: its search words and its modification time follow."""
    session.execute(
        update(Supplier)
        .where(Supplier.id == supplier.id)
        .values(
            updated_at=utcnow(),
            search_text=search_text_for(
                supplier, capabilities_of(session, supplier.id), equipment_of(session, supplier.id)
            ),
        )
        .execution_options(synchronize_session=False)
    )


def refresh_search_text(session: Session, supplier: Supplier) -> None:
    _after_children_change(session, supplier)


# -- what a profile page shows ---------------------------------------------------------------


def _rows_of(session: Session, model: type[SQLModel], supplier_id: int, *order_by) -> list:
    """A supplier's rows of ``model`` for display, as plain rows (attribute access by
    column name, the same column types): a third of the cost of loading table objects,
    and nothing here is changed."""
    table = model.__table__
    return list(
        session.execute(select(table).where(table.c.supplier_id == supplier_id).order_by(*order_by))
    )


def profile_view(session: Session, supplier: Supplier, *, cluster: Cluster | None = None) -> dict:
    """The profile with its capabilities, equipment, certificates and cluster (read here
    unless the caller already has it)."""
    if cluster is None and supplier.cluster_id:
        cluster = session.get(Cluster, supplier.cluster_id)
    certificates = _rows_of(
        session,
        SupplierCertificate,
        supplier.id,
        SupplierCertificate.code,
        SupplierCertificate.expires_on.desc(),
    )
    return {
        **supplier.model_dump(),
        "cluster": cluster.slug if cluster else None,
        "cluster_name": cluster.name if cluster else None,
        "claimed": supplier.organisation_id is not None,
        "capabilities": _rows_of(session, Capability, supplier.id, Capability.id),
        "equipment": _rows_of(session, Equipment, supplier.id, Equipment.id),
        "certificates": certificates,
        "certifications": counting_certificate_codes(certificates),
    }


def counting_certificate_codes(certificates: list, on: date | None = None) -> list[str]:
    """Codes of the certificates that count today (held, certified, not expired)."""
    today = on or today_in_india()
    return sorted(
        {
            c.code
            for c in certificates
            if record_counts_on(c.state, c.expires_on, c.verification, today)
        }
    )


def count_suppliers(session: Session, actor: Actor) -> int:
    statement = select(func.count()).select_from(Supplier).where(readable_clause(actor))
    return session.scalar(statement.where(Supplier.merged_into_id.is_(None)))


# -- searching -------------------------------------------------------------------------------


def search_for(
    session: Session, actor: Actor | None, args: Mapping, *, page: int, per_page: int
) -> SearchPage:
    """Search what ``actor`` may read; ``actor=None`` searches the public directory."""
    filters = filters_from_args(session, args)
    scope = directory_scope() if actor is None else readable_clause(actor)
    return search_suppliers(
        session, scope, filters, page=page, per_page=per_page, sort=args.get("sort") or "relevance"
    )


def hit_view(hit: SearchHit) -> dict:
    return {
        **hit.supplier.model_dump(),
        "claimed": hit.supplier.organisation_id is not None,
        "processes": hit.processes,
        "certifications": hit.certificates,
        "score": hit.score,
    }


# -- bulk import -------------------------------------------------------------------------------

# Rows in one upload; a file of the 20 MB upload limit holds about 60,000.
IMPORT_MAX_ROWS = 100_000


def import_cluster_for(session: Session, actor: Actor, cluster_slug: str | None) -> int | None:
    """The cluster new suppliers of an import join: a coordinator's own, or an admin's pick."""
    if actor.kind == ActorKind.COORDINATOR:
        if cluster_slug and cluster_id_for_slug(session, cluster_slug) != actor.cluster_id:
            raise ValidationFailed("You can import into your own cluster only.", field="cluster")
        return actor.cluster_id
    if not actor.is_admin:
        raise Forbidden("Only cluster coordinators and admins import suppliers.")
    return cluster_id_for_slug(session, cluster_slug) if cluster_slug else None


def cluster_id_for_slug(session: Session, slug: str) -> int:
    cluster = session.exec(select(Cluster).where(Cluster.slug == slug)).first()
    if cluster is None:
        raise ValidationFailed(
            N_("No cluster with the slug '%(slug)s'.", slug=slug), field="cluster"
        )
    return cluster.id


def queue_import(
    session: Session,
    actor: Actor,
    *,
    stream: BinaryIO,
    filename: str,
    cluster_slug: str | None,
    mode: ImportMode,
    max_bytes: int,
):
    """Check an upload (``check_upload``) and record its import as a job with the file;
    the caller commits, then enqueues it (``jobs.queue.enqueue``)."""
    from suppliermatch.jobs import service as jobs

    cluster_id, content, filename = check_upload(
        session,
        actor,
        stream=stream,
        filename=filename,
        cluster_slug=cluster_slug,
        max_bytes=max_bytes,
    )
    params = {"filename": filename, "mode": mode.value, "only_within_cluster": not actor.is_admin}
    return jobs.create_job(
        session,
        actor,
        jobs.IMPORT,
        cluster_id=cluster_id,
        params=params,
        upload=(filename, content),
    )


def queue_duplicate_scan(session: Session, actor: Actor, *, cluster_slug: str | None):
    """Record a duplicate scan of the actor's cluster (an admin's: one, or all) as a job."""
    from suppliermatch.jobs import service as jobs

    cluster_id = import_cluster_for(session, actor, cluster_slug)
    return jobs.create_job(session, actor, jobs.DEDUP_SCAN, cluster_id=cluster_id, params={})


def check_upload(
    session: Session,
    actor: Actor,
    *,
    stream: BinaryIO,
    filename: str,
    cluster_slug: str | None,
    max_bytes: int,
) -> tuple[int | None, bytes, str]:
    """What an import needs before it is queued, checked while the person waits: the
    cluster it may go to, and a file that opens as a table (a header naming the columns
    an import needs, and a data row).
    Returns (cluster id, the file's bytes, its name); raises ValidationFailed naming the
    field. Damage further in the file is found by the import itself."""
    cluster_id = import_cluster_for(session, actor, cluster_slug)
    content = stream.read(max_bytes + 1)
    try:
        table = open_table(content, filename or "", max_bytes=max_bytes, max_rows=IMPORT_MAX_ROWS)
    except TableError as error:
        raise _unreadable(error) from None
    column_mapping(table.headers)  # the columns an import needs are there
    return cluster_id, content, filename or "upload"


def run_import(
    session: Session,
    content: bytes,
    *,
    filename: str,
    cluster_id: int | None,
    mode: ImportMode,
    uploaded_by_id: int | None,
    only_within_cluster: bool,
    max_bytes: int,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> SupplierImport:
    """Import a checked upload (``check_upload``): the worker's part of an import job.
    ``on_total`` hears the total progress will count to (each row twice: checked, then
    written) before the first row."""
    try:
        table = open_table(content, filename, max_bytes=max_bytes, max_rows=IMPORT_MAX_ROWS)
        if on_total is not None:
            on_total(2 * table.count_rows())
        # The rows are read while they are imported: damage further in shows up here.
        return import_suppliers(
            session,
            table,
            filename=filename,
            cluster_id=cluster_id,
            mode=mode,
            uploaded_by_id=uploaded_by_id,
            only_within_cluster=only_within_cluster,
            progress=progress,
        )
    except TableError as error:
        raise _unreadable(error) from None


def _unreadable(error: TableError) -> ValidationFailed:
    return ValidationFailed(
        N_("The file cannot be imported: %(problem)s.", problem=error.message), field="file"
    )


def imports_statement(actor: Actor):
    """The import records an actor may reread: their cluster's, or all for admins."""
    statement = select(SupplierImport).order_by(SupplierImport.created_at.desc())
    if actor.is_admin:
        return statement
    if actor.kind != ActorKind.COORDINATOR:
        raise Forbidden("Only cluster coordinators and admins see imports.")
    return statement.where(SupplierImport.cluster_id == actor.cluster_id)


def get_import_for(session: Session, actor: Actor, import_id: int) -> SupplierImport:
    record = session.exec(imports_statement(actor).where(SupplierImport.id == import_id)).first()
    if record is None:
        raise NotFound("No such import.")
    return record
