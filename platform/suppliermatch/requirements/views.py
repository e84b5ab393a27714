"""Pages for requirements: anchors post, invite, compare, award and rate; suppliers quote or
decline; coordinators follow their cluster's requirements and import spreadsheets.

Thin: forms are read by ``requirements.forms`` into the API's schemas, rules are in the
services, and each POST commits once or re-renders the form with its errors.
"""

import json

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlmodel import select

from suppliermatch.access import ActorKind, current_actor, require, require_login
from suppliermatch.accounts.models import Cluster, User
from suppliermatch.accounts.views import safe_next
from suppliermatch.api_common import PAGINATION_HEADER, paginate, requested_page
from suppliermatch.csv_cells import csv_download, to_csv
from suppliermatch.dates import in_india_time
from suppliermatch.errors import DomainError, NotFound, ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.file_downloads import send_attachment
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import attempt, domain_errors
from suppliermatch.i18n import N_, flash
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.reference.places import place_for_pincode, places_for
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements import (
    awards,
    drawings,
    forms,
    importer,
    invitations,
    notify,
    quotes,
    service,
)
from suppliermatch.requirements.lifecycle import Status
from suppliermatch.requirements.scorecard import scorecard_for
from suppliermatch.requirements.visibility import (
    DEFAULT_SORT,
    SORTS,
    check_can_post,
    get_managed,
    get_visible,
    visible_requirements,
)

bp = Blueprint("requirements", __name__)
PER_PAGE = 50
# The matching feature adds a "ranked suppliers" page for a requirement under this name.
MATCHES_ENDPOINT = "matching.requirement_matches"


@bp.app_template_global("place_of_pincode")
def place_of_pincode(pincode: str | None) -> str | None:
    """The cluster town a plant's PIN code is, when it is one of the towns the form offers."""
    place = place_for_pincode(pincode)
    return place.name if place else None


def _attempt(action, done_message: str):
    """``forms.attempt``, every refusal shown on the form. Returns (result, None, None) or
    (None, field errors, HTTP status)."""
    outcome = attempt(action, done_message, propagate=())
    return outcome.result, outcome.errors, None if not outcome.refused else outcome.status


def _detail_url(requirement_id: int) -> str:
    return url_for("requirements.detail", requirement_id=requirement_id)


def _page() -> int:
    return requested_page(request.args)


def _sort() -> str:
    return request.args.get("sort") or DEFAULT_SORT


def _list_page(template: str, statement, **context):
    actor = current_actor()
    page = _page()
    rows, header = paginate(db.session, statement, page, PER_PAGE)
    total = json.loads(header[PAGINATION_HEADER])["total"]
    views = service.requirement_views(db.session, actor=actor, requirements=rows)
    return render_template(
        template,
        requirements=views,
        page=page,
        has_next=page * PER_PAGE < total,
        total=total,
        sort=_sort(),
        sorts={name: label for name, (label, _) in SORTS.items()},
        **context,
    )


def _choices() -> dict:
    return {
        "taxonomy": default_taxonomy(),
        "catalogue": default_catalogue(),
    }


def _form_choices() -> dict:
    """What the requirement form offers: the choices, and the towns for the plant, those of
    the anchor's own cluster first."""
    cluster = db.session.get(Cluster, current_actor().cluster_id or 0)
    return {**_choices(), "places": places_for(cluster.slug if cluster else None)}


def _form_values(view: dict) -> dict:
    """A requirement view as the inputs of the edit form expect them."""
    values = {k: ("" if v is None else v) for k, v in view.items()}
    deadline = in_india_time(view.get("quote_deadline"))
    values["quote_deadline"] = deadline.strftime("%Y-%m-%dT%H:%M") if deadline else ""
    values["materials"] = ", ".join(view.get("materials") or [])
    values["line_items"] = [
        {f: (getattr(li, f) or "") for f in forms.LINE_INPUTS} for li in view["line_items"]
    ]
    place = place_for_pincode(view.get("plant_pincode"))
    values["plant_place"] = place.pincode if place else ""
    return values


def _values_from_form(form) -> dict:
    values = {k: form.get(k, "") for k in form}
    values["required_certs"] = form.getlist("required_certs")
    values["preferred_certs"] = form.getlist("preferred_certs")
    values["line_items"], _ = forms.filled_line_rows(form)
    return values


def _render_form(values: dict, errors: dict, editing, status: int):
    """The requirement form. "Add a line" posts it back (without script) to be shown again
    with one more empty row than it had, and nothing saved."""
    spare_rows = 1
    if request.method == "POST" and request.form.get("add_line"):
        spare_rows = forms.filled_line_rows(request.form)[1] + 1
    page = render_template(
        "requirements/form.html",
        values=values,
        errors=errors,
        editing=editing,
        spare_rows=spare_rows,
        **_form_choices(),
    )
    return page, status


# -- lists --------------------------------------------------------------------------------------


@bp.route("/requirements", methods=["GET"])
@require(ActorKind.ANCHOR)
def anchor_list():
    status = request.args.get("status")
    status = status if status in {s.value for s in Status} else None
    return _list_page(
        "requirements/anchor_list.html",
        visible_requirements(current_actor(), status=status, sort=_sort()),
        status=status,
        statuses=[s.value for s in Status],
    )


@bp.route("/rfqs", methods=["GET"])
@require(ActorKind.MSME)
def supplier_list():
    actor = current_actor()
    return _list_page(
        "requirements/supplier_list.html",
        visible_requirements(actor, sort=_sort()),
        has_profile=actor.supplier_id is not None or actor.is_admin,
    )


@bp.route("/requirements/cluster", methods=["GET"])
@require(ActorKind.COORDINATOR)
def coordinator_list():
    return _list_page(
        "requirements/coordinator_list.html", visible_requirements(current_actor(), sort=_sort())
    )


# -- create and edit ----------------------------------------------------------------------------


@bp.route("/requirements/new", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def new():
    check_can_post(current_actor())
    errors: dict = {}
    status = 200
    values: dict = {"visibility": "cluster", "line_items": []}
    if request.method == "POST":
        values = _values_from_form(request.form)
        if request.form.get("add_line"):
            return _render_form(values, {}, None, 200)
        data, errors = forms.load_requirement(request.form)
        status = 422
        if data is not None:
            requirement, errors, status = _attempt(
                lambda: service.create_requirement(db.session, actor=current_actor(), data=data),
                N_("Draft saved. Invite suppliers and publish it when it is ready."),
            )
            if requirement is not None:
                return redirect(_detail_url(requirement.id))
    return _render_form(values, errors, None, status)


@bp.route("/requirements/<int:requirement_id>/edit", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
def edit(requirement_id):
    actor = current_actor()
    requirement = get_managed(db.session, actor, requirement_id)
    view = service.requirement_view(db.session, actor=actor, requirement=requirement)
    errors: dict = {}
    status = 200
    values = _form_values(view)
    if request.method == "POST":
        values = _values_from_form(request.form)
        if request.form.get("add_line"):
            return _render_form(values, {}, view, 200)
        data, errors = forms.load_requirement_update(request.form)
        status = 422
        if data is not None:
            version = data.pop("version")
            saved, errors, status = _attempt(
                lambda: service.update_requirement(
                    db.session,
                    actor=actor,
                    requirement_id=requirement.id,
                    data=data,
                    version=version,
                ),
                N_("Requirement saved."),
            )
            if saved is not None:
                return redirect(_detail_url(requirement.id))
    return _render_form(values, errors, view, status)


# -- detail -------------------------------------------------------------------------------------


@bp.route("/requirements/<int:requirement_id>", methods=["GET"])
@require_login
def detail(requirement_id):
    actor = current_actor()
    requirement = get_visible(db.session, actor, requirement_id)
    if actor.kind == ActorKind.MSME:
        return _supplier_detail(requirement)
    return _overseer_detail(requirement)


def _overseer_detail(requirement, *, errors=None, status=200):
    """The anchor's, coordinator's and admin's page: budget, invitations, awards, history."""
    actor = current_actor()
    view = service.requirement_view(db.session, actor=actor, requirement=requirement)
    invited = invitations.invitations_for(db.session, actor=actor, requirement_id=requirement.id)
    awarded = awards.awards_for(db.session, actor=actor, requirement_id=requirement.id)
    trail = service.history(db.session, actor=actor, requirement_id=requirement.id)
    user_ids = {e.actor_user_id for e in trail if e.actor_user_id}
    names = {u.id: u.full_name for u in db.session.exec(select(User).where(User.id.in_(user_ids)))}
    matches_url = None
    if MATCHES_ENDPOINT in current_app.view_functions:
        matches_url = url_for(MATCHES_ENDPOINT, requirement_id=requirement.id)
    page = render_template(
        "requirements/detail.html",
        r=view,
        invitations=invited,
        awards=awarded,
        history=trail,
        field_labels=notify.FIELD_LABELS,
        names=names,
        matches_url=matches_url,
        drawings=drawings.drawings_for(db.session, requirement.id),
        errors=errors or {},
        **_choices(),
    )
    return page, status


def _supplier_detail(requirement, *, errors=None, form=None, status=200):
    """The supplier's page: the requirement, its own invitation and its own quote only."""
    actor = current_actor()
    view = service.requirement_view(db.session, actor=actor, requirement=requirement)
    mine = None
    if view.get("my_quote_id"):
        own = quotes.own_quote(db.session, actor=actor, requirement_id=requirement.id)
        mine = quotes.quote_views(db.session, [own])[0]
    invitation = invitations.own_invitation(db.session, actor=actor, requirement_id=requirement.id)
    page = render_template(
        "requirements/supplier_detail.html",
        r=view,
        mine=mine,
        invitation=invitation,
        has_profile=actor.supplier_id is not None,
        drawings=drawings.list_drawings(db.session, actor, requirement.id),
        errors=errors or {},
        **_choices(),
        form=form or {},
    )
    return page, status


# -- lifecycle ----------------------------------------------------------------------------------


def _move(requirement_id, move, done_message):
    version = request.form.get("version", type=int)
    reason = request.form.get("reason", "").strip()[:500] or None
    moved, errors, status = _attempt(
        lambda: move(
            db.session,
            actor=current_actor(),
            requirement_id=requirement_id,
            version=version,
            reason=reason,
        ),
        done_message,
    )
    if moved is None:
        return _refused(requirement_id, errors, status)
    return redirect(_detail_url(requirement_id))


def _refused(requirement_id, errors, status=422):
    requirement = get_managed(db.session, current_actor(), requirement_id)
    return _overseer_detail(requirement, errors=errors, status=status)


@bp.route("/requirements/<int:requirement_id>/publish", methods=["POST"])
@require(ActorKind.ANCHOR)
def publish(requirement_id):
    return _move(requirement_id, service.publish, N_("Published: suppliers can now quote."))


@bp.route("/requirements/<int:requirement_id>/close", methods=["POST"])
@require(ActorKind.ANCHOR)
def close(requirement_id):
    return _move(requirement_id, service.close, N_("Bidding closed: the quotes are open to you."))


@bp.route("/requirements/<int:requirement_id>/cancel", methods=["POST"])
@require(ActorKind.ANCHOR)
def cancel(requirement_id):
    if not request.form.get("reason", "").strip():
        get_managed(db.session, current_actor(), requirement_id)
        return _refused(requirement_id, {"reason": ["Say why you cancel it."]})
    return _move(requirement_id, service.cancel, N_("Requirement cancelled."))


@bp.route("/requirements/<int:requirement_id>/invite", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def invite(requirement_id):
    """Invite suppliers by id: the invite buttons of the supplier search's results."""
    actor = current_actor()
    get_managed(db.session, actor, requirement_id)
    data, errors = forms.supplier_ids_from(request.form)
    if data is None:
        return _refused(requirement_id, errors)
    wanted = data["supplier_ids"]
    invited, errors, status = _attempt(
        lambda: invitations.invite_suppliers(
            db.session, actor=actor, requirement_id=requirement_id, supplier_ids=wanted
        ),
        f"{len(wanted)} supplier(s) invited.",
    )
    if invited is None:
        return _refused(requirement_id, errors, status)
    # From the search results, back to them (same-site paths only).
    back = request.form.get("next")
    return redirect(safe_next(back) if back else _detail_url(requirement_id))


# -- drawings -----------------------------------------------------------------------------------


@bp.route("/requirements/<int:requirement_id>/drawings", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def add_drawing(requirement_id):
    """Upload a drawing (PDF, DXF or STEP), checked by its content."""
    actor = current_actor()
    get_managed(db.session, actor, requirement_id)
    upload = request.files.get("file")
    cap = current_app.config["DRAWING_MAX_BYTES"]

    def add():
        if upload is None or not upload.filename:
            raise ValidationFailed("Choose a drawing file to upload.", field="file")
        return drawings.add_drawing(
            db.session,
            actor,
            requirement_id,
            stream=upload.stream,
            filename=upload.filename,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=cap,
        )

    added, errors, status = _attempt(add, N_("Drawing added: the invited suppliers can open it."))
    if added is None:
        return _refused(requirement_id, errors, status)
    return redirect(_detail_url(requirement_id) + "#drawings")


@bp.route("/requirements/<int:requirement_id>/drawings/<int:drawing_id>/remove", methods=["POST"])
@require(ActorKind.ANCHOR)
def remove_drawing(requirement_id, drawing_id):
    upload_dir = current_app.config["UPLOAD_DIR"]
    path, errors, status = _attempt(
        lambda: drawings.remove_drawing(
            db.session, current_actor(), requirement_id, drawing_id, upload_dir=upload_dir
        ),
        N_("Drawing removed."),
    )
    if path is None:
        return _refused(requirement_id, errors, status)
    path.unlink(missing_ok=True)  # committed: the file goes too
    return redirect(_detail_url(requirement_id) + "#drawings")


@bp.route("/requirements/<int:requirement_id>/drawings/<int:drawing_id>", methods=["GET"])
@require_login
def drawing(requirement_id, drawing_id):
    """The drawing as a download, for the anchor, its coordinator and invited suppliers."""
    found, path = drawings.open_drawing(
        db.session,
        current_actor(),
        requirement_id,
        drawing_id,
        upload_dir=current_app.config["UPLOAD_DIR"],
    )
    return send_attachment(path, mimetype=found.content_type, download_name=found.original_filename)


# -- quotes and invitations (suppliers) ---------------------------------------------------------


@bp.route("/requirements/<int:requirement_id>/quote", methods=["POST"])
@require(ActorKind.MSME)
@one_time_form
def submit_quote(requirement_id):
    """Submit or revise one's quote (a ``version`` field marks a revision)."""
    actor = current_actor()
    requirement = get_visible(db.session, actor, requirement_id)
    item_ids = [li.id for li in service.line_items(db.session, requirement.id)]
    revising = bool(request.form.get("version"))
    data, errors = forms.load_quote(request.form, item_ids, with_version=revising)
    status = 422
    if data is not None:
        version = data.pop("version", None)

        def save():
            if revising:
                return quotes.update_quote(
                    db.session,
                    actor=actor,
                    requirement_id=requirement.id,
                    data=data,
                    version=version,
                )
            return quotes.submit_quote(
                db.session, actor=actor, requirement_id=requirement.id, data=data
            )

        saved, errors, status = _attempt(
            save, N_("Quote saved. It stays sealed until the deadline.")
        )
        if saved is not None:
            return redirect(_detail_url(requirement.id))
    return _supplier_detail(requirement, errors=errors, form=request.form, status=status)


@bp.route("/requirements/<int:requirement_id>/decline", methods=["POST"])
@require(ActorKind.MSME)
def decline(requirement_id):
    actor = current_actor()
    requirement = get_visible(db.session, actor, requirement_id)
    declined, errors, status = _attempt(
        lambda: invitations.decline(
            db.session,
            actor=actor,
            requirement_id=requirement.id,
            reason=request.form.get("reason", "")[:500],
        ),
        N_("Invitation declined. The buyer will see your reason."),
    )
    if declined is not None:
        return redirect(url_for("requirements.supplier_list"))
    return _supplier_detail(requirement, errors=errors, form=request.form, status=status)


# -- comparison, award, rating (anchors) -----------------------------------------------------------


@bp.route("/requirements/<int:requirement_id>/comparison", methods=["GET"])
@require(ActorKind.ANCHOR)
def comparison(requirement_id):
    result = quotes.compare_quotes(db.session, actor=current_actor(), requirement_id=requirement_id)
    db.session.commit()  # the security log records who opened the prices
    return render_template("requirements/comparison.html", c=result, r=result.requirement)


@bp.route("/requirements/<int:requirement_id>/comparison.csv", methods=["GET"])
@require(ActorKind.ANCHOR)
def comparison_csv(requirement_id):
    result = quotes.compare_quotes(db.session, actor=current_actor(), requirement_id=requirement_id)
    db.session.commit()
    if result.sealed:
        flash(N_("Quotes are sealed until the deadline."))
        return redirect(url_for("requirements.comparison", requirement_id=requirement_id))
    items = result.line_items
    header = [
        "supplier_id",
        "supplier",
        "meets_hard_constraints",
        "lacks",
        "total_inr",
        "lead_time_days",
        "valid_until",
        "notes",
    ] + [f"unit_price_inr: {li.item} ({li.quantity:g} {li.unit})" for li in items]
    rows = []
    for quote in result.quotes:
        prices = {line["line_item_id"]: line["unit_price_inr"] for line in quote["lines"]}
        rows.append(
            [
                quote["supplier_id"],
                quote["supplier_name"],
                "yes" if quote["meets_hard_constraints"] else "no",
                "; ".join(quote["lacks"]),
                f"{quote['total_inr']:.2f}",
                quote["lead_time_days"],
                quote["valid_until"].isoformat(),
                quote["notes"],
            ]
            + [f"{prices[li.id]:.2f}" if li.id in prices else "" for li in items]
        )
    return csv_download(to_csv(header, rows), f"quotes-requirement-{requirement_id}.csv")


@bp.route("/requirements/<int:requirement_id>/award", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def award(requirement_id):
    actor = current_actor()
    result = quotes.compare_quotes(db.session, actor=actor, requirement_id=requirement_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data, errors = forms.load_award(request.form, [q["supplier_id"] for q in result.quotes])
        status = 422
        if data is not None:
            awarded, errors, status = _attempt(
                lambda: awards.award(
                    db.session,
                    actor=actor,
                    requirement_id=requirement_id,
                    allocations=data["allocations"],
                    note=data.get("note"),
                ),
                N_("Awarded. The suppliers have been told the outcome."),
            )
            if awarded is not None:
                return redirect(_detail_url(requirement_id))
    else:
        db.session.commit()  # the security log records who opened the prices
    page = render_template(
        "requirements/award.html", c=result, r=result.requirement, errors=errors, form=request.form
    )
    return page, status


@bp.route("/requirements/<int:requirement_id>/awards/<int:award_id>/rate", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def rate(requirement_id, award_id):
    actor = current_actor()
    requirement = get_managed(db.session, actor, requirement_id)
    listed = awards.awards_for(db.session, actor=actor, requirement_id=requirement.id)
    the_award = next((a for a in listed if a["id"] == award_id), None)
    if the_award is None:
        raise NotFound("No such award for this requirement.")
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data, errors = forms.load_rating(request.form)
        status = 422
        if data is not None:
            rating, errors, status = _attempt(
                lambda: awards.rate_award(
                    db.session,
                    actor=actor,
                    requirement_id=requirement.id,
                    award_id=award_id,
                    data=data,
                ),
                N_("Thank you: the rating is on the supplier's scorecard."),
            )
            if rating is not None:
                return redirect(_detail_url(requirement.id))
    page = render_template(
        "requirements/rate.html", r=requirement, award=the_award, errors=errors, form=request.form
    )
    return page, status


# -- import and scorecard ------------------------------------------------------------------------


@bp.route("/requirements/import", methods=["GET", "POST"])
@require(ActorKind.COORDINATOR)
@one_time_form(replay_to="requirements.coordinator_list")
def import_page():
    report, errors = None, {}
    if request.method == "POST":
        try:
            rows = importer.read_upload(
                request.files.get("file"), max_bytes=current_app.config["IMPORT_MAX_BYTES"]
            )
            report = importer.import_requirements(db.session, rows, actor=current_actor())
        except DomainError as error:
            errors = domain_errors(error)
        if report is not None and report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    status = 422 if errors or (report is not None and not report.ok) else 200
    catalogue = default_catalogue()
    page = render_template(
        "requirements/import.html",
        report=report,
        errors=errors,
        columns=importer.CSV_COLUMNS,
        categories=default_taxonomy().categories,
        certificates=[(code, catalogue.display_name(code)) for code in catalogue.codes],
    )
    return page, status


@bp.route("/requirements/import/template.csv", methods=["GET"])
@require(ActorKind.COORDINATOR)
def import_template():
    """A file to fill in: every column the import reads, and one example row to replace."""
    example = [importer.TEMPLATE_EXAMPLE[column] for column in importer.CSV_COLUMNS]
    return csv_download(
        to_csv(list(importer.CSV_COLUMNS), [example]), "requirement-import-template.csv"
    )


@bp.route("/suppliers/<int:supplier_id>/scorecard", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def scorecard(supplier_id):
    supplier, card = scorecard_for(db.session, actor=current_actor(), supplier_id=supplier_id)
    return render_template("requirements/scorecard.html", supplier=supplier, card=card)
