"""JSON API for supplier profiles, the public directory, bulk import and duplicate review.

Thin: parse, call the service with the current actor, commit once, dump. Who may read
or change what is decided in ``service`` and ``dedup_service``.
"""

from flask import current_app, url_for
from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.api_common import PageArgs, paginate, pagination_header
from suppliermatch.extensions import db
from suppliermatch.jobs.api import api_job_view
from suppliermatch.jobs.queue import enqueue
from suppliermatch.jobs.schemas import JobSchema
from suppliermatch.suppliers.duplicates import service as dedup_service
from suppliermatch.suppliers.profiles import schemas, service

blp = Blueprint(
    "suppliers_api",
    __name__,
    url_prefix="/api/suppliers",
    description="MSME supplier profiles, the public directory, bulk import and duplicates",
)


def _profile(supplier) -> dict:
    return service.profile_view(db.session, supplier)


def _search(actor, args: dict, page: int, per_page: int):
    found = service.search_for(db.session, actor, args, page=page, per_page=per_page)
    headers = pagination_header(found.total, page, per_page)
    return [service.hit_view(hit) for hit in found.hits], 200, headers


# -- profiles ------------------------------------------------------------------------------


@blp.route("", methods=["GET"])
@require(*service.PROFILE_READERS)
@blp.arguments(schemas.SupplierSearchArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.SearchHitSchema(many=True))
def list_suppliers(page, per_page, **args):
    """Suppliers you may read (your own; your cluster's; all for admins), searchable.

    ``q`` finds words in names, capabilities, processes, equipment and places with a
    typo allowed; a certificate named in ``q`` ("ISO 9001") must count today.
    """
    return _search(current_actor(), args, page, per_page)


@blp.route("", methods=["POST"])
@require(ActorKind.MSME, ActorKind.COORDINATOR)
@blp.arguments(schemas.SupplierCreateSchema)
@blp.response(201, schemas.SupplierSchema)
@blp.alt_response(409, description="Your organisation already has a profile")
def create_supplier(data):
    """Add a supplier: coordinators to their cluster, admins anywhere, an MSME its own."""
    cluster_slug = data.pop("cluster", None)
    supplier = service.create_supplier(
        db.session, current_actor(), values=data, cluster_slug=cluster_slug
    )
    db.session.commit()
    return _profile(supplier)


@blp.route("/me", methods=["GET"])
@require(ActorKind.MSME)
@blp.response(200, schemas.SupplierSchema)
def my_profile():
    """Your own supplier profile (MSME accounts)."""
    return _profile(service.own_supplier(db.session, current_actor()))


@blp.route("/<int:supplier_id>", methods=["GET"])
@require(*service.PROFILE_READERS)
@blp.response(200, schemas.SupplierSchema)
@blp.alt_response(404, description="No such supplier, or not yours to read")
def get_supplier(supplier_id):
    """A whole profile: identifiers, contacts, capabilities, equipment, certificates."""
    return service.read_profile(db.session, current_actor(), supplier_id)


@blp.route("/<int:supplier_id>", methods=["PATCH"])
@require(ActorKind.MSME, ActorKind.COORDINATOR)
@blp.arguments(schemas.SupplierUpdateSchema)
@blp.response(200, schemas.SupplierSchema)
@blp.alt_response(404, description="No such supplier, or not yours to change")
@blp.alt_response(409, description="Someone saved the profile after your version")
def update_supplier(data, supplier_id):
    """Change profile fields; send the ``version`` you read (409 if it is no longer current)."""
    version = data.pop("version")
    supplier = service.update_supplier(
        db.session, current_actor(), supplier_id, version=version, values=data
    )
    db.session.commit()
    return _profile(supplier)


# -- capabilities and equipment: the same five routes for each list ------------------------------


def _register_children(path: str, kind, output, create_input, update_input) -> None:
    label = kind.label

    @blp.route(f"/<int:supplier_id>/{path}", methods=["GET"], endpoint=f"list_{path}")
    @require(*service.PROFILE_READERS)
    @blp.response(200, output(many=True))
    @blp.alt_response(404, description="No such supplier, or not yours to read")
    @blp.doc(summary=f"The {label} list of a profile you may read.")
    def list_children(supplier_id):
        return service.list_children_for(db.session, current_actor(), kind, supplier_id)

    @blp.route(f"/<int:supplier_id>/{path}", methods=["POST"], endpoint=f"add_{path}")
    @require(ActorKind.MSME, ActorKind.COORDINATOR)
    @blp.arguments(create_input)
    @blp.response(201, output)
    @blp.alt_response(404, description="No such supplier, or not yours to change")
    @blp.doc(summary=f"Add to the {label} list of a profile you may change.")
    def add_child(data, supplier_id):
        row = service.add_child(db.session, current_actor(), kind, supplier_id, values=data)
        db.session.commit()
        return row

    @blp.route(
        f"/<int:supplier_id>/{path}/<int:child_id>", methods=["PATCH"], endpoint=f"update_{path}"
    )
    @require(ActorKind.MSME, ActorKind.COORDINATOR)
    @blp.arguments(update_input)
    @blp.response(200, output)
    @blp.alt_response(404, description=f"No such {label}, or not yours to change")
    @blp.alt_response(409, description=f"Someone changed the {label} after your version")
    @blp.doc(summary=f"Change one {label} entry; send the version you read.")
    def update_child(data, supplier_id, child_id):
        version = data.pop("version")
        row = service.update_child(
            db.session, current_actor(), kind, supplier_id, child_id, version=version, values=data
        )
        db.session.commit()
        return row

    @blp.route(
        f"/<int:supplier_id>/{path}/<int:child_id>", methods=["DELETE"], endpoint=f"delete_{path}"
    )
    @require(ActorKind.MSME, ActorKind.COORDINATOR)
    @blp.arguments(schemas.ChildVersionArgs, location="query")
    @blp.response(204)
    @blp.alt_response(404, description=f"No such {label}, or not yours to change")
    @blp.alt_response(409, description=f"Someone changed the {label} after your version")
    @blp.doc(summary=f"Remove one {label} entry (?version= the one you read).")
    def delete_child(args, supplier_id, child_id):
        service.delete_child(
            db.session, current_actor(), kind, supplier_id, child_id, version=args["version"]
        )
        db.session.commit()


_register_children(
    "capabilities",
    service.CAPABILITIES,
    schemas.CapabilitySchema,
    schemas.CapabilityInputSchema,
    schemas.CapabilityUpdateSchema,
)
_register_children(
    "equipment",
    service.EQUIPMENT,
    schemas.EquipmentSchema,
    schemas.EquipmentInputSchema,
    schemas.EquipmentUpdateSchema,
)


# -- the public directory ---------------------------------------------------------------------


@blp.route("/directory", methods=["GET"])
@blp.arguments(schemas.SupplierSearchArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.PublicSearchHitSchema(many=True))
def directory(page, per_page, **args):
    """The public directory: no GSTIN, PAN, contacts, money or exact location."""
    return _search(None, args, page, per_page)


@blp.route("/directory/<int:supplier_id>", methods=["GET"])
@blp.response(200, schemas.PublicSupplierSchema)
@blp.alt_response(404, description="Not in the directory")
def directory_entry(supplier_id):
    """The public part of one profile."""
    return _profile(service.get_public_supplier(db.session, supplier_id))


# -- bulk import -----------------------------------------------------------------------------


def _report(record) -> dict:
    return {
        **record.model_dump(),
        "report_csv_url": url_for("suppliers.import_report_csv", import_id=record.id),
    }


@blp.route("/import", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.SupplierImportArgs, location="query")
@blp.arguments(schemas.SupplierImportFileSchema, location="files")
@blp.response(202, JobSchema)
@blp.alt_response(413, description="The upload is larger than the limit")
def import_suppliers(args, files):
    """Queue the import of a .csv or .xlsx of suppliers (multipart ``file``): 202 with the
    job; follow its ``status_url`` for rows done of total, then its ``report_url``, the
    report that says per row what was wrong. All rows or none, unless ``good_rows_only``.
    A file that does not open as a table is refused here (422 naming ``file``)."""
    upload = files["file"]
    job = service.queue_import(
        db.session,
        current_actor(),
        stream=upload.stream,
        filename=upload.filename,
        cluster_slug=args["cluster"],
        mode=args["mode"],
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    db.session.commit()
    enqueue(job)
    db.session.expire(job)  # what the worker did meanwhile
    return api_job_view(job)


@blp.route("/imports", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.SupplierImportReportSchema(many=True))
def list_imports(page, per_page):
    """Earlier imports of your cluster (all, for admins), newest first."""
    statement = service.imports_statement(current_actor())
    rows, headers = paginate(db.session, statement, page, per_page)
    return [_report(row) for row in rows], 200, headers


@blp.route("/imports/<int:import_id>", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.SupplierImportReportSchema)
@blp.alt_response(404, description="No such import in your cluster")
def get_import(import_id):
    """One import's report."""
    return _report(service.get_import_for(db.session, current_actor(), import_id))


# -- duplicates ------------------------------------------------------------------------------


@blp.route("/duplicates", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.DuplicateListArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.DuplicateCandidateSchema(many=True))
def list_duplicates(page, per_page, status):
    """Pairs of suppliers that may be one enterprise, with the evidence; best first."""
    statement = dedup_service.candidates_statement(current_actor(), status=status)
    rows, headers = paginate(db.session, statement, page, per_page)
    return [dedup_service.candidate_view(db.session, row) for row in rows], 200, headers


@blp.route("/duplicates/scan", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.DuplicateScanArgs, location="query")
@blp.response(202, JobSchema)
def scan_duplicates(args):
    """Queue a look for duplicates in your cluster (admins: one cluster, or all): 202 with
    the job, whose result counts the suppliers checked and the pairs found."""
    job = service.queue_duplicate_scan(db.session, current_actor(), cluster_slug=args["cluster"])
    db.session.commit()
    enqueue(job)
    db.session.expire(job)  # what the worker did meanwhile
    return api_job_view(job)


@blp.route("/duplicates/<int:candidate_id>/merge", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.DuplicateMergeSchema)
@blp.response(200, schemas.DuplicateMergeResultSchema)
@blp.alt_response(404, description="No such pair in your cluster")
@blp.alt_response(409, description="The pair was already decided")
def merge_duplicates(data, candidate_id):
    """Keep ``keep_id`` and merge the other supplier of the pair into it."""
    result = dedup_service.merge_candidate(
        db.session, current_actor(), candidate_id, keep_id=data["keep_id"]
    )
    db.session.commit()
    return {
        "kept_id": result.kept.id,
        "retired_id": result.retired.id,
        "moved": result.moved,
        "stayed": result.stayed,
    }


@blp.route("/duplicates/<int:candidate_id>/dismiss", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.DuplicateCandidateSchema)
@blp.alt_response(404, description="No such pair in your cluster")
@blp.alt_response(409, description="The pair was already decided")
def dismiss_duplicates(candidate_id):
    """Not the same enterprise: the pair will not be flagged again."""
    candidate = dedup_service.dismiss_candidate(db.session, current_actor(), candidate_id)
    db.session.commit()
    return dedup_service.candidate_view(db.session, candidate)
