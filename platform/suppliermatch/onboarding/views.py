"""Pages: the coordinator's onboarding list (invite, resend, reassign), and the MSME's
claim of its profile by the invitation's link or by a code sent to the e-mail on record.

Thin: the rules are in ``invitations`` and ``claims``.
"""

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.accounts.views import _no_referrer, _sign_in, safe_next
from suppliermatch.api_common import paginate, requested_page
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db, limiter
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import N_, flash
from suppliermatch.onboarding import claims, invitations, mail, schemas
from suppliermatch.onboarding.models import InvitationStatus
from suppliermatch.ratelimits import AUTH_RATE_LIMIT, EMAIL_LINK_RATE_LIMIT, identifier_key

bp = Blueprint("onboarding", __name__)

PER_PAGE = 50
SKIP_WORDS = {
    invitations.SkipReason.CLAIMED: "claimed already",
    invitations.SkipReason.NO_EMAIL: "no e-mail on record",
}


# -- the coordinator's side ------------------------------------------------------------------


@bp.route("/suppliers/onboarding", methods=["GET"])
@require(ActorKind.COORDINATOR)
def onboarding_list():
    status = request.args.get("status") or None
    if status not in {s.value for s in InvitationStatus}:
        status = None
    page = requested_page(request.args)
    statement = invitations.onboarding_statement(current_actor(), status=status)
    rows, _ = paginate(db.session, statement, page, PER_PAGE)
    return render_template(
        "onboarding/list.html",
        lines=invitations.status_views(rows),
        status=status,
        statuses=[s.value for s in InvitationStatus],
        page=page,
    )


def _back():
    return redirect(safe_next(request.form.get("next") or url_for("onboarding.onboarding_list")))


def _flash_outcome(outcome: invitations.InviteOutcome) -> None:
    sent = len(outcome.invited)
    message = f"{sent} invitation{'s' if sent != 1 else ''} queued."
    if outcome.skipped:
        reasons = ", ".join(
            f"supplier {supplier_id} ({SKIP_WORDS.get(reason, reason)})"
            for supplier_id, reason in outcome.skipped[:20]
        )
        more = len(outcome.skipped) - 20
        message += f" Not invited: {reasons}{f' and {more} more' if more > 0 else ''}."
    flash(message)


@bp.route("/suppliers/invitations", methods=["POST"])
@require(ActorKind.COORDINATOR)
@one_time_form
def invite():
    """The list's and the import report's form: ticked suppliers, or all uninvited."""
    fields = MultiDict([(k, v) for k, v in request.form.items(multi=True) if k != "next"])
    data, errors = load_form(schemas.ClaimInviteSchema(), fields, lists=("supplier_ids",))
    if data is None:
        flash(" ".join(message for messages in errors.values() for message in messages))
        return _back()
    try:
        if data["all_uninvited"]:
            outcome = invitations.invite_uninvited(
                db.session, current_actor(), import_id=data["import_id"]
            )
        else:
            outcome = invitations.invite_selected(db.session, current_actor(), data["supplier_ids"])
    except DomainError as error:
        db.session.rollback()
        flash(error.message)
        return _back()
    db.session.commit()
    _flash_outcome(outcome)
    return _back()


def _change_and_go_back(change, said) -> object:
    """Run ``change``; commit and flash ``said(result)``, or flash why it was refused (a
    supplier outside the cluster stays a 404). Back to the page the form was on."""
    try:
        result = change()
    except DomainError as error:
        db.session.rollback()
        if error.status_code == 404:
            raise
        flash(error.message)
    else:
        db.session.commit()
        flash(said(result))
    return _back()


@bp.route("/suppliers/<int:supplier_id>/invitation", methods=["POST"])
@require(ActorKind.COORDINATOR)
@one_time_form
def send_invitation(supplier_id):
    return _change_and_go_back(
        lambda: invitations.invite_one(db.session, current_actor(), supplier_id),
        lambda invitation: (
            f"Invitation queued for {invitation.email}; any earlier link stops working."
        ),
    )


@bp.route("/suppliers/<int:supplier_id>/reassign", methods=["POST"])
@require(ActorKind.COORDINATOR)
def reassign(supplier_id):
    data, errors = load_form(schemas.ReassignSchema(), request.form)
    if data is None:
        flash(" ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
        return _back()
    return _change_and_go_back(
        lambda: claims.reassign(
            db.session, current_actor(), supplier_id, email=data["email"], reason=data["reason"]
        ),
        lambda supplier: (
            f"{supplier.legal_name} was taken from its owner; {supplier.email} is invited."
        ),
    )


# -- the MSME's side -----------------------------------------------------------------------------


def _claimed(user, *, via: str):
    record_security_event(db.session, "profile_claimed", user_id=user.id, note=via)
    db.session.commit()
    _sign_in(user)
    flash(N_("The profile is yours. Check what it says and add what is missing."))
    return redirect(url_for("suppliers.my_profile"))


@bp.route("/claim/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
def claim_by_link(token):
    """A form, not the GET itself, claims: mail scanners that open links spend nothing."""
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(
            schemas.ClaimByLinkSchema(), {**request.form.to_dict(), "token": token}
        )
        if data is not None:
            try:
                user = claims.claim_by_link(
                    db.session,
                    token=token,
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password"],
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
            else:
                return _no_referrer(_claimed(user, via="invitation"))
    found = invitations.supplier_for_link(db.session, token)
    page = render_template(
        "onboarding/claim_link.html",
        errors=errors,
        supplier=found[1] if found else None,
        form=request.form,
        invalid_link=claims.account_tokens.INVALID_LINK,
    )
    return _no_referrer(make_response(page, 422 if errors else 200))


@bp.route("/claim-profile", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
@limiter.limit(EMAIL_LINK_RATE_LIMIT, methods=["POST"], key_func=identifier_key)
def claim_by_code():
    """Step one asks for the GSTIN or Udyam number and sends the code; step two takes the
    code and the new account. Nothing about the profile is shown before the code."""
    form = request.form if request.method == "POST" else request.args
    errors: dict = {}
    step = "identify"
    if request.method == "POST" and request.form.get("step") == "claim":
        step = "claim"
        data, errors = load_form(
            schemas.ClaimByCodeSchema(),
            {k: v for k, v in request.form.items() if k != "step"},
        )
        if data is not None:
            try:
                user = claims.claim_by_code(
                    db.session,
                    data,
                    code=data["code"],
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password"],
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
            else:
                return _claimed(user, via="code")
    elif request.method == "POST":
        identifier = {name: request.form.get(name) or None for name in ("gstin", "udyam_number")}
        try:
            found = claims.request_claim_code(db.session, identifier)
        except DomainError as error:
            db.session.rollback()
            errors = domain_errors(error)
        else:
            if found is not None:
                db.session.commit()
                mail.send_claim_code(*found)
            flash(claims.CODE_SENT)
            step = "claim"
    page = render_template("onboarding/claim_code.html", errors=errors, form=form, step=step)
    return page, (422 if errors else 200)
