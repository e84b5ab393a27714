"""Pages for part qualification after an award: the anchor's templates, opening a PPAP or
first article qualification from an award, the qualification's record (elements to upload,
accept or return, the submission, the decision, 8D corrective actions, the history in
words), each side's list and the anchor's approved-supplier list.

Thin: forms are read with the API's schemas, rules are in the service, each POST commits
once and goes back to the qualification, or shows it again with the errors.
"""

import re
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlmodel import select

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.accounts.models import User
from suppliermatch.dates import today_in_india
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.file_downloads import send_attachment
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import attempt, load_form
from suppliermatch.i18n import N_
from suppliermatch.qualification import api, schemas, service
from suppliermatch.reference import qualification as ref
from suppliermatch.reference.taxonomy import default_taxonomy

bp = Blueprint("qualification", __name__)
PARTIES = (ActorKind.ANCHOR, ActorKind.MSME)
# The validity an approval form suggests; the anchor changes it.
SUGGESTED_VALIDITY_DAYS = 365
# The disciplines the supplier writes on the page: D2 (the problem) is the anchor's words,
# written when it opened the 8D.
SUPPLIER_DISCIPLINES = tuple(d for d in ref.EIGHT_D if d != "d2")


def _is_buyer(actor) -> bool:
    return actor.kind in (ActorKind.ANCHOR, ActorKind.ADMIN) or actor.is_admin


def _categories() -> list:
    return list(default_taxonomy().categories)


def category_name(slug: str | None) -> str:
    taxonomy = default_taxonomy()
    if not slug:
        return ""
    return taxonomy.category(slug).name if taxonomy.has_category(slug) else slug


# -- lists ----------------------------------------------------------------------------------------


@bp.route("/qualifications", methods=["GET"])
@require(*PARTIES)
def list_page():
    actor = current_actor()
    rows = service.qualifications_of(db.session, actor=actor)
    return render_template(
        "qualification/list.html",
        rows=rows,
        names=service.parties(db.session, rows),
        is_buyer=actor.kind == ActorKind.ANCHOR,
        category_name=category_name,
    )


@bp.route("/approved-suppliers", methods=["GET"])
@require(ActorKind.ANCHOR)
def approved_list():
    rows = service.my_approved_list(db.session, actor=current_actor())
    categories = sorted({q.category for q in rows if q.category}, key=category_name)
    chosen = request.args.get("category") or None
    shown = [q for q in rows if chosen is None or q.category == chosen]
    return render_template(
        "qualification/approved.html",
        rows=shown,
        names=service.parties(db.session, shown),
        categories=categories,
        chosen=chosen,
        category_name=category_name,
    )


# -- templates ------------------------------------------------------------------------------------


@bp.route("/qualification-templates", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def templates_page():
    actor = current_actor()
    # Made from an award's page: go back there to open the qualification with it.
    award_id = request.args.get("award_id", type=int)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data, errors = load_form(schemas.TemplateInputSchema(), request.form, lists=("elements",))
        status = 422
        if data is not None:
            outcome = attempt(
                lambda: service.create_template(db.session, actor=actor, data=data),
                lambda template: N_("Template %(name)s saved.", name=template.name),
                propagate=(),
            )
            if not outcome.refused:
                if award_id is not None:
                    return redirect(url_for("qualification.award_page", award_id=award_id))
                return redirect(url_for("qualification.templates_page"))
            errors, status = outcome.errors, outcome.status
    page = render_template(
        "qualification/templates.html",
        templates=service.templates_of(db.session, actor=actor),
        award_id=award_id,
        errors=errors,
        form=request.form,
        ppap_elements=ref.PPAP_ELEMENTS,
        fai_forms=ref.FAI_FORMS,
        level_elements=ref.PPAP_LEVEL_ELEMENTS,
        default_level=ref.PPAP_DEFAULT_LEVEL,
    )
    return page, status


# -- opening from an award ------------------------------------------------------------------------


@bp.route("/awards/<int:award_id>/qualifications", methods=["GET", "POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def award_page(award_id):
    actor = current_actor()
    found = service.award_qualifications(db.session, actor=actor, award_id=award_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data, errors = load_form(schemas.OpenInputSchema(), request.form)
        status = 422
        if data is not None:
            outcome = attempt(
                lambda: service.open_qualification(
                    db.session, actor=actor, award_id=award_id, data=data
                ),
                lambda made: N_("Qualification of %(part)s opened.", part=made.part),
                propagate=(),
            )
            if not outcome.refused:
                return redirect(_detail_url(outcome.result.id))
            errors, status = outcome.errors, outcome.status
    page = render_template(
        "qualification/award.html",
        **found,
        names=service.parties(db.session, found["qualifications"]),
        element_names={**ref.PPAP_ELEMENTS, **ref.FAI_FORMS},
        categories=_categories(),
        category_name=category_name,
        errors=errors,
        form=request.form,
    )
    return page, status


# -- the record -----------------------------------------------------------------------------------


def _detail_url(qualification_id: int, anchor: str | None = None) -> str:
    return url_for("qualification.detail", qualification_id=qualification_id, _anchor=anchor)


CODE_IN_NOTE = re.compile(r"\bd([1-8])\b")


def _history_rows(trail, element_names: dict[str, str]) -> list[dict]:
    """The audit trail in words: who, when, what, and the note with element codes named."""
    user_ids = {e.actor_user_id for e in trail if e.actor_user_id}
    names = dict(
        db.session.exec(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()
    )
    rows = []
    for event in trail:
        note = event.note or ""
        code, _, rest = note.partition(": ")
        if event.action.startswith("element_") and code in element_names:
            note = element_names[code] + (f": {rest}" if rest else "")
        elif event.action == "corrective_action_updated":
            note = CODE_IN_NOTE.sub(lambda m: f"D{m.group(1)}", note)
        rows.append(
            {
                "at": event.created_at,
                "who": names.get(event.actor_user_id, "system"),
                "action": event.action,
                "note": note,
            }
        )
    return rows


def _detail_page(qualification_id: int, *, errors=None, status=200, form=None, form_name=None):
    actor = current_actor()
    detail = service.qualification_detail(
        db.session, actor=actor, qualification_id=qualification_id
    )
    qualification = detail["qualification"]
    trail = service.history(db.session, actor=actor, qualification_id=qualification_id)
    page = render_template(
        "qualification/detail.html",
        q=qualification,
        elements=detail["elements"],
        actions=detail["corrective_actions"],
        names=service.parties(db.session, [qualification])[qualification.id],
        history=_history_rows(trail, ref.element_names(qualification.kind)),
        is_buyer=_is_buyer(actor),
        is_supplier=actor.kind == ActorKind.MSME,
        every_accepted=all(e["element"].state == service.ACCEPTED for e in detail["elements"]),
        waiting_uploads=[
            e
            for e in detail["elements"]
            if e["element"].state in (service.REQUESTED, service.RETURNED)
        ],
        eight_d=ref.EIGHT_D,
        supplier_disciplines=SUPPLIER_DISCIPLINES,
        suggested_valid_until=today_in_india() + timedelta(days=SUGGESTED_VALIDITY_DAYS),
        today=today_in_india(),
        category_name=category_name,
        errors=errors or {},
        form=form or {},
        form_name=form_name,
    )
    return page, status


@bp.route("/qualifications/<int:qualification_id>", methods=["GET"])
@require(*PARTIES)
def detail(qualification_id):
    return _detail_page(qualification_id)


def _attempt(qualification_id: int, change, done: str, *, form_name: str, anchor=None):
    """Run ``change()``, commit and go back to the qualification (at ``anchor``, or the
    anchor it makes of what the change returned); or show it again with the errors."""
    outcome = attempt(change, done, propagate=(404,))
    if outcome.refused:
        return _detail_page(
            qualification_id,
            errors=outcome.errors,
            status=outcome.status,
            form=request.form,
            form_name=form_name,
        )
    where = anchor(outcome.result) if callable(anchor) else anchor
    return redirect(_detail_url(qualification_id, where))


def _post(qualification_id: int, schema, action, done, *, form_name: str, anchor=None):
    """Read the form with ``schema`` and ``_attempt`` ``action(data)``; ``done`` is the
    flash, or makes it from the data."""
    data, errors = load_form(schema, request.form)
    if data is None:
        return _detail_page(
            qualification_id, errors=errors, status=422, form=request.form, form_name=form_name
        )
    return _attempt(
        qualification_id,
        lambda: action(data),
        done(data) if callable(done) else done,
        form_name=form_name,
        anchor=anchor,
    )


@bp.route("/qualification-elements/<int:element_id>/file", methods=["GET"])
@require(*PARTIES)
def element_file(element_id):
    element, path = service.element_file(
        db.session,
        actor=current_actor(),
        element_id=element_id,
        upload_dir=current_app.config["UPLOAD_DIR"],
    )
    return send_attachment(
        path, mimetype=element.content_type, download_name=element.original_filename
    )


@bp.route("/qualification-elements/<int:element_id>/file", methods=["POST"])
@require(ActorKind.MSME)
def upload_element(element_id):
    element, qualification = service.element_of_party(db.session, current_actor(), element_id)
    name = ref.element_names(qualification.kind).get(element.code, element.code)
    outcome = attempt(
        lambda: api.upload(element_id, request.files.get("file")),
        N_("%(element)s: document uploaded.", element=name),
        propagate=(),
    )
    if outcome.refused:
        return _detail_page(
            qualification.id,
            errors=outcome.errors,
            status=outcome.status,
            form_name=f"element-{element_id}",
        )
    return redirect(_detail_url(qualification.id, f"element-{element_id}"))


@bp.route("/qualification-elements/<int:element_id>/review", methods=["POST"])
@require(ActorKind.ANCHOR)
def review_element(element_id):
    element, qualification = service.element_of_party(db.session, current_actor(), element_id)
    name = ref.element_names(qualification.kind).get(element.code, element.code)
    return _post(
        qualification.id,
        schemas.ReviewInputSchema(),
        lambda data: service.review_element(
            db.session,
            actor=current_actor(),
            element_id=element_id,
            accept=data["accept"],
            reason=data.get("reason"),
        ),
        lambda data: (
            N_("%(element)s: accepted.", element=name)
            if data["accept"]
            else N_("%(element)s: returned with your reason.", element=name)
        ),
        form_name=f"element-{element_id}",
        anchor=f"element-{element_id}",
    )


@bp.route("/qualifications/<int:qualification_id>/submission", methods=["POST"])
@require(ActorKind.MSME)
def submit(qualification_id):
    service.get_qualification(db.session, current_actor(), qualification_id)
    return _attempt(
        qualification_id,
        lambda: service.submit(
            db.session, actor=current_actor(), qualification_id=qualification_id
        ),
        N_("Submitted: the anchor reviews each element and decides."),
        form_name="submit",
    )


DECIDED = {
    service.APPROVED: N_("Approved: the supplier is on your approved-supplier list."),
    service.INTERIM: N_("Approved for an interim period: the supplier is on your list until then."),
    service.REJECTED: N_("Rejected: the supplier sees your reason on the record."),
}


@bp.route("/qualifications/<int:qualification_id>/decision", methods=["POST"])
@require(ActorKind.ANCHOR)
def decide(qualification_id):
    service.get_qualification(db.session, current_actor(), qualification_id)
    return _post(
        qualification_id,
        schemas.DecisionInputSchema(),
        lambda data: service.decide(
            db.session, actor=current_actor(), qualification_id=qualification_id, **data
        ),
        lambda data: DECIDED[data["decision"]],
        form_name="decision",
    )


@bp.route("/qualifications/<int:qualification_id>/corrective-actions", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def open_corrective_action(qualification_id):
    service.get_qualification(db.session, current_actor(), qualification_id)
    return _post(
        qualification_id,
        schemas.CorrectiveActionInputSchema(),
        lambda data: service.open_corrective_action(
            db.session, actor=current_actor(), qualification_id=qualification_id, data=data
        ),
        lambda data: N_(
            "8D opened for lot %(lot)s: the supplier writes D1-D8.", lot=data["lot_reference"]
        ),
        form_name="corrective-action",
        anchor=lambda action: f"action-{action.id}",
    )


@bp.route("/corrective-actions/<int:action_id>/disciplines", methods=["POST"])
@require(ActorKind.MSME)
def update_disciplines(action_id):
    """The supplier's 8D form: the disciplines it wrote or changed are saved."""
    action, qualification = service.action_of_party(db.session, current_actor(), action_id)
    typed = {d: request.form.get(d, "").strip() for d in SUPPLIER_DISCIPLINES}
    written = {d: t for d, t in typed.items() if t and t != (action.disciplines.get(d) or "")}

    def change():
        if not written:
            raise ValidationFailed("Nothing changed: write or change a discipline first.")
        try:
            data = schemas.DisciplinesInputSchema().load({"disciplines": written})
        except schemas.ma.ValidationError as error:
            raise ValidationFailed("Each discipline is at most 2,000 characters.") from error
        return service.update_disciplines(
            db.session, actor=current_actor(), action_id=action_id, disciplines=data["disciplines"]
        )

    return _attempt(
        qualification.id,
        change,
        N_("8D saved."),
        form_name=f"action-{action_id}",
        anchor=f"action-{action_id}",
    )


STEP_DONE = {
    "containment": N_("Containment (D3) approved."),
    "root_cause": N_("Root cause (D4) approved."),
    "close": N_("8D closed."),
}


@bp.route("/corrective-actions/<int:action_id>/approval", methods=["POST"])
@require(ActorKind.ANCHOR)
def approve_step(action_id):
    _, qualification = service.action_of_party(db.session, current_actor(), action_id)
    return _post(
        qualification.id,
        schemas.StepInputSchema(),
        lambda data: service.approve_step(
            db.session, actor=current_actor(), action_id=action_id, step=data["step"]
        ),
        lambda data: STEP_DONE[data["step"]],
        form_name=f"action-{action_id}",
        anchor=f"action-{action_id}",
    )
