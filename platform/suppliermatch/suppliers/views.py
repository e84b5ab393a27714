"""Pages: my profile, a profile with its capabilities and equipment, editing them, the
public directory, search, bulk import with its report, and duplicate review.

Thin: the rules are in ``service`` and ``dedup_service``; a refused change re-renders the
form with the reasons next to the fields (409 for a stale version, with what to do).
"""

import marshmallow as ma
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.api_common import paginate, requested_page
from suppliermatch.csv_cells import csv_download, to_csv
from suppliermatch.errors import Conflict, DomainError, Forbidden, ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import FORM_ONLY_FIELDS, attempt, domain_errors
from suppliermatch.i18n import N_, flash, gettext, translated
from suppliermatch.jobs.queue import enqueue
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.onboarding import invitations as onboarding
from suppliermatch.reference.certificates import CertStatus, default_catalogue
from suppliermatch.reference.enterprise_class import AmountError, parse_inr
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements import invitations
from suppliermatch.requirements.visibility import get_managed
from suppliermatch.suppliers.duplicates import service as dedup_service
from suppliermatch.suppliers.imports import importer
from suppliermatch.suppliers.imports.importer import ImportMode
from suppliermatch.suppliers.profiles import schemas, service
from suppliermatch.suppliers.search.service import SORTS

bp = Blueprint("suppliers", __name__)

EDITORS = (ActorKind.MSME, ActorKind.COORDINATOR)
PER_PAGE = 25
# The import report lists this many of its suppliers with their invitation; the onboarding
# list has them all.
IMPORT_REPORT_ONBOARDING_LINES = 200
_RUPEE_FIELDS = ("investment_inr", "turnover_inr")


@bp.app_context_processor
def supplier_helpers():
    taxonomy = default_taxonomy()
    return {
        "taxonomy": taxonomy,
        "category_choices": [(c.slug, c.name) for c in taxonomy.categories],
        "certificate_name": default_catalogue().display_name,
        "certificate_codes": default_catalogue().codes,
        "sort_choices": SORTS.items(),
    }


# -- reading form posts ------------------------------------------------------------------------


def _form_values(schema: ma.Schema, form: MultiDict, *, clearing: bool) -> tuple[dict, dict]:
    """A posted form through ``schema``: numbers from text, lakh/crore amounts, lists.

    Empty inputs count as absent; with ``clearing`` (an edit form) a field left empty is
    cleared instead, and a list whose ``<name>__shown`` marker was posted may become empty.
    """
    lists = {name for name, field in schema.fields.items() if isinstance(field, ma.fields.List)}
    values: dict = {}
    errors: dict = {}
    for name in form:
        if name in FORM_ONLY_FIELDS or name.endswith("__shown"):
            continue
        if name == "materials":
            values[name] = [m.strip() for m in form[name].split(",") if m.strip()]
        elif name in lists:
            values[name] = [v.strip() for v in form.getlist(name) if v.strip()]
        elif form[name].strip():
            values[name] = _typed(schema.fields.get(name), name, form[name].strip(), errors)
        elif clearing:
            values[name] = None
    if clearing:
        for name in lists:
            if f"{name}__shown" in form:
                values.setdefault(name, [])
        if "is_public__shown" in form:
            values["is_public"] = "is_public" in form
    try:
        data = schema.load({k: v for k, v in values.items() if k not in errors})
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_form": error.messages}
        errors.update({k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()})
        return {}, errors
    return data, errors


def _typed(field: ma.fields.Field | None, name: str, text: str, errors: dict):
    """Form text as the number a JSON client would send."""
    try:
        if name in _RUPEE_FIELDS:
            return parse_inr(text, field=name)
        if isinstance(field, ma.fields.Integer):
            return int(text.replace(",", ""))
        if isinstance(field, ma.fields.Float):
            return float(text.replace(",", ""))
    except AmountError as error:
        errors[name] = [error.message]
    except ValueError:
        errors[name] = ["must be a number"]
    return text


def _attempt(change) -> tuple[dict, int]:
    """Run a change and commit it; or roll it back and return its field errors and status
    (409 for a stale version, 422 for invalid values). Not-found and forbidden propagate."""
    outcome = attempt(change)
    return (outcome.errors, outcome.status) if outcome.refused else ({}, 200)


# -- my profile, a profile, the directory -------------------------------------------------------


@bp.route("/suppliers/me", methods=["GET"])
@require(ActorKind.MSME)
def my_profile():
    supplier = service.own_supplier(db.session, current_actor())
    return _render_profile(supplier)


@bp.route("/suppliers/<int:supplier_id>", methods=["GET"])
@require(*service.PROFILE_READERS)
def detail(supplier_id):
    supplier = service.get_supplier_for(db.session, current_actor(), supplier_id)
    return _render_profile(supplier)


def _render_profile(supplier, *, errors=None, forms=None, status=200):
    actor = current_actor()
    return (
        render_template(
            "suppliers/profile.html",
            profile=service.profile_view(db.session, supplier),
            can_edit=service.can_edit(actor, supplier) and supplier.merged_into_id is None,
            errors=errors or {},
            forms=forms or {},
        ),
        status,
    )


@bp.route("/directory", methods=["GET"])
def directory():
    return _render_search("suppliers/directory.html", actor=None)


@bp.route("/directory/<int:supplier_id>", methods=["GET"])
def public_profile(supplier_id):
    supplier = service.get_public_supplier(db.session, supplier_id)
    return render_template(
        "suppliers/public_profile.html", profile=service.profile_view(db.session, supplier)
    )


@bp.route("/suppliers", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def search_page():
    actor = current_actor()
    return _render_search(
        "suppliers/search.html", actor=actor, invite_to=_requirement_to_invite_to(actor)
    )


def _requirement_to_invite_to(actor) -> dict | None:
    """The anchor's requirement that ``?invite_to=ID`` chooses suppliers for: each result
    then gets an invite button. 404 for another firm's requirement, as everywhere."""
    given = request.args.get("invite_to")
    if given is None:
        return None
    if not given.isdigit() or int(given) > MAX_ROW_ID:
        raise ValidationFailed("invite_to must be the id of your requirement.", field="invite_to")
    if actor.kind != ActorKind.ANCHOR:
        raise Forbidden("Only the anchor's own users invite suppliers to its requirements.")
    requirement = get_managed(db.session, actor, int(given))
    invited = invitations.invitations_for(db.session, actor=actor, requirement_id=requirement.id)
    return {
        "id": requirement.id,
        "title": requirement.title,
        "open": requirement.status in invitations.INVITABLE_STATES,
        "invited": {invitation["supplier_id"] for invitation in invited},
    }


def _render_search(template: str, *, actor, invite_to=None):
    given = {k: v for k, v in request.args.items() if v.strip()}
    page = requested_page(request.args)
    found, errors = None, {}
    try:
        args = schemas.SupplierSearchArgs().load(given)
    except ma.ValidationError as error:
        # The form shows what was typed, with each refused field's reason beside it.
        args, errors = given, error.messages
    else:
        try:
            found = service.search_for(db.session, actor, args, page=page, per_page=PER_PAGE)
        except DomainError as error:
            errors = domain_errors(error)
    hits = [service.hit_view(hit) for hit in found.hits] if found else []
    return render_template(
        template,
        args=args,
        found=found,
        hits=hits,
        errors=errors,
        page=page,
        pages=max(1, -(-found.total // PER_PAGE)) if found else 1,
        can_manage=actor is not None and (actor.is_admin or actor.kind == ActorKind.COORDINATOR),
        invite_to=invite_to,
    ), (200 if not errors else 422)


# -- creating and editing a profile ----------------------------------------------------------


@bp.route("/suppliers/new", methods=["GET", "POST"])
@require(ActorKind.COORDINATOR)
@one_time_form
def new():
    errors: dict = {}
    if request.method == "POST":
        data, errors = _form_values(schemas.SupplierCreateSchema(), request.form, clearing=False)
        if not errors:
            cluster_slug = data.pop("cluster", None)
            created = []
            errors, _ = _attempt(
                lambda: created.append(
                    service.create_supplier(
                        db.session, current_actor(), values=data, cluster_slug=cluster_slug
                    )
                )
            )
            if not errors:
                flash(N_("Supplier added."))
                return redirect(url_for("suppliers.detail", supplier_id=created[0].id))
    return render_template(
        "suppliers/edit.html", supplier=None, form=request.form, errors=errors
    ), (200 if not errors else 422)


@bp.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@require(*EDITORS)
def edit(supplier_id):
    actor = current_actor()
    supplier = service.get_supplier_to_edit(db.session, actor, supplier_id)
    if request.method == "GET":
        return render_template("suppliers/edit.html", supplier=supplier, form=None, errors={})
    data, errors = _form_values(schemas.SupplierUpdateSchema(), request.form, clearing=True)
    status = 422
    if not errors:
        version = data.pop("version")
        errors, status = _attempt(
            lambda: service.update_supplier(
                db.session, actor, supplier_id, version=version, values=data
            )
        )
        if not errors:
            flash(N_("Profile saved."))
            return redirect(url_for("suppliers.detail", supplier_id=supplier_id))
    db.session.refresh(supplier)
    return render_template(
        "suppliers/edit.html", supplier=supplier, form=request.form, errors=errors
    ), status


# -- capabilities and equipment: add, edit, delete for each list -----------------------------


def _register_child_pages(path: str, kind, create_schema, update_schema) -> None:
    @bp.route(f"/suppliers/<int:supplier_id>/{path}", methods=["POST"], endpoint=f"add_{path}")
    @require(*EDITORS)
    @one_time_form
    def add(supplier_id):
        actor = current_actor()
        data, errors = _form_values(create_schema(), request.form, clearing=False)
        if not errors:
            errors, _ = _attempt(
                lambda: service.add_child(db.session, actor, kind, supplier_id, values=data)
            )
            if not errors:
                flash(gettext("%(kind)s added.", kind=translated(kind.label).capitalize()))
                return redirect(url_for("suppliers.detail", supplier_id=supplier_id))
        supplier = service.get_supplier_to_edit(db.session, actor, supplier_id)
        return _render_profile(
            supplier, errors={path: errors}, forms={path: request.form}, status=422
        )

    @bp.route(
        f"/suppliers/<int:supplier_id>/{path}/<int:child_id>/edit",
        methods=["GET", "POST"],
        endpoint=f"edit_{path}",
    )
    @require(*EDITORS)
    def edit_child(supplier_id, child_id):
        actor = current_actor()
        _, row = service.child_to_edit(db.session, actor, kind, supplier_id, child_id)
        errors: dict = {}
        status = 200
        if request.method == "POST":
            data, errors = _form_values(update_schema(), request.form, clearing=True)
            status = 422
            if not errors:
                version = data.pop("version")
                errors, status = _attempt(
                    lambda: service.update_child(
                        db.session, actor, kind, supplier_id, child_id, version=version, values=data
                    )
                )
                if not errors:
                    flash(gettext("%(kind)s saved.", kind=translated(kind.label).capitalize()))
                    return redirect(url_for("suppliers.detail", supplier_id=supplier_id))
            db.session.refresh(row)
        return render_template(
            "suppliers/child_form.html",
            kind=path,
            row=row,
            supplier_id=supplier_id,
            form=request.form if request.method == "POST" else None,
            errors=errors,
        ), status

    @bp.route(
        f"/suppliers/<int:supplier_id>/{path}/<int:child_id>/delete",
        methods=["POST"],
        endpoint=f"delete_{path}",
    )
    @require(*EDITORS)
    def delete(supplier_id, child_id):
        version = request.form.get("version", type=int)
        try:
            service.delete_child(
                db.session, current_actor(), kind, supplier_id, child_id, version=version or 0
            )
        except Conflict as error:
            db.session.rollback()
            flash(error.message)
        else:
            db.session.commit()
            flash(gettext("%(kind)s removed.", kind=translated(kind.label).capitalize()))
        return redirect(url_for("suppliers.detail", supplier_id=supplier_id))


_register_child_pages(
    "capabilities",
    service.CAPABILITIES,
    schemas.CapabilityInputSchema,
    schemas.CapabilityUpdateSchema,
)
_register_child_pages(
    "equipment", service.EQUIPMENT, schemas.EquipmentInputSchema, schemas.EquipmentUpdateSchema
)


# -- bulk import ---------------------------------------------------------------------------


@bp.route("/suppliers/import", methods=["GET", "POST"])
@require(ActorKind.COORDINATOR)
@one_time_form
def import_page():
    actor = current_actor()
    errors: dict = {}
    if request.method == "POST":
        upload = request.files.get("file")
        mode = (
            ImportMode.GOOD_ROWS_ONLY
            if request.form.get("good_rows_only")
            else ImportMode.ALL_OR_NOTHING
        )
        if upload is None or not upload.filename:
            errors = {"file": ["Choose a .csv or .xlsx file to upload."]}
        else:
            try:
                job = service.queue_import(
                    db.session,
                    actor,
                    stream=upload.stream,
                    filename=upload.filename,
                    cluster_slug=request.form.get("cluster") or None,
                    mode=mode,
                    max_bytes=current_app.config["IMPORT_MAX_BYTES"],
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
            else:
                db.session.commit()
                enqueue(job)
                return redirect(url_for("jobs.job_page", job_id=job.id))
    recent, _ = paginate(db.session, service.imports_statement(actor), 1, 10)
    return render_template(
        "suppliers/import.html",
        errors=errors,
        recent=recent,
        max_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
        columns=list(importer.COLUMN_NAMES),
        required_columns=importer.REQUIRED_COLUMNS,
        certificate_statuses=[status.value for status in CertStatus],
        date_formats=[_as_written(pattern) for pattern in importer.DATE_FORMATS],
    ), (200 if not errors else 422)


def _as_written(date_pattern: str) -> str:
    """ "%d-%m-%Y" as a person writes it: "DD-MM-YYYY"."""
    return date_pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")


@bp.route("/suppliers/import/template.csv", methods=["GET"])
@require(ActorKind.COORDINATOR)
def import_template():
    """A file to fill in: every column the import reads, and one example row to replace."""
    columns = list(importer.COLUMN_NAMES)
    example = [importer.TEMPLATE_EXAMPLE.get(column, "") for column in columns]
    return csv_download(to_csv(columns, [example]), "supplier-import-template.csv")


@bp.route("/suppliers/imports/<int:import_id>", methods=["GET"])
@require(ActorKind.COORDINATOR)
def import_report(import_id):
    actor = current_actor()
    record = service.get_import_for(db.session, actor, import_id)
    status = 422 if record.outcome == "rejected" else 200
    shown = record.supplier_ids[:IMPORT_REPORT_ONBOARDING_LINES]
    return render_template(
        "suppliers/import_report.html",
        record=record,
        onboarding=onboarding.statuses_for(db.session, actor, shown),
    ), status


@bp.route("/suppliers/imports/<int:import_id>/report.csv", methods=["GET"])
@require(ActorKind.COORDINATOR)
def import_report_csv(import_id):
    record = service.get_import_for(db.session, current_actor(), import_id)
    # The refs and problems quote the uploaded cells: a spreadsheet must not run them.
    rows = [
        [entry["row"] or "", entry["ref"], entry["field"], entry["problem"], kind]
        for kind, entries in (("error", record.problems), ("notice", record.notices))
        for entry in entries
    ]
    header = ["row", "supplier_ref", "column", "problem", "kind"]
    return csv_download(to_csv(header, rows), f"import-{record.id}-report.csv")


# -- duplicates ----------------------------------------------------------------------------


@bp.route("/suppliers/duplicates", methods=["GET"])
@require(ActorKind.COORDINATOR)
def duplicates():
    status = request.args.get("status", "open")
    if status not in ("open", "merged", "dismissed"):
        status = "open"
    page = requested_page(request.args)
    statement = dedup_service.candidates_statement(current_actor(), status=status)
    rows, _ = paginate(db.session, statement, page, PER_PAGE)
    pairs = [dedup_service.candidate_view(db.session, row) for row in rows]
    return render_template("suppliers/duplicates.html", pairs=pairs, status=status, page=page)


@bp.route("/suppliers/duplicates/scan", methods=["POST"])
@require(ActorKind.COORDINATOR)
def scan_duplicates():
    job = service.queue_duplicate_scan(
        db.session, current_actor(), cluster_slug=request.form.get("cluster") or None
    )
    db.session.commit()
    enqueue(job)
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/suppliers/duplicates/<int:candidate_id>/merge", methods=["POST"])
@require(ActorKind.COORDINATOR)
def merge_duplicates(candidate_id):
    keep_id = request.form.get("keep_id", type=int)
    try:
        result = dedup_service.merge_candidate(
            db.session, current_actor(), candidate_id, keep_id=keep_id or 0
        )
    except Conflict as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("suppliers.duplicates"))
    db.session.commit()
    stayed = sum(result.stayed.values())
    merged = gettext(
        "Merged supplier %(retired)s into %(kept)s.", retired=result.retired.id, kept=result.kept.id
    )
    if stayed:
        merged += " " + gettext(
            "%(stayed)s records stayed with the merged profile (see its history).", stayed=stayed
        )
    flash(merged)
    return redirect(url_for("suppliers.duplicates"))


@bp.route("/suppliers/duplicates/<int:candidate_id>/dismiss", methods=["POST"])
@require(ActorKind.COORDINATOR)
def dismiss_duplicates(candidate_id):
    try:
        dedup_service.dismiss_candidate(db.session, current_actor(), candidate_id)
    except Conflict as error:
        db.session.rollback()
        flash(error.message)
    else:
        db.session.commit()
        flash(N_("Marked as two different enterprises."))
    return redirect(url_for("suppliers.duplicates"))
