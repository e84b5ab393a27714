"""Pages: sign in, sign up, sign out, password reset, e-mail verification, the account page
with API tokens, and the coordinator's queue of anchor firms to vet."""

from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_user, logout_user
from sqlmodel import select

from suppliermatch.access import (
    ActorKind,
    current_actor,
    forget_current_actor,
    require,
    require_login,
)
from suppliermatch.accounts import account_tokens, mail, schemas, service, two_factor, vetting
from suppliermatch.accounts.api import RESET_REQUESTED
from suppliermatch.accounts.auth import await_second_factor
from suppliermatch.accounts.models import Cluster, OrganisationKind, TokenPurpose, Vetting
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db, limiter
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import N_, flash, gettext
from suppliermatch.onboarding.claims import ProfileClaimable
from suppliermatch.ratelimits import (
    AUTH_RATE_LIMIT,
    EMAIL_LINK_RATE_LIMIT,
    account_key,
    signed_in_user_key,
)

bp = Blueprint("accounts", __name__)


@bp.context_processor
def two_factor_offer():
    return {"two_factor_available": two_factor.may_use(current_actor())}


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would help phishing."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    if "\\" in target:
        return url_for("home.index")
    return target


def _sign_in(user) -> None:
    cookie_session.clear()
    login_user(user)
    forget_current_actor()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"], key_func=account_key)
def login():
    errors = {}
    if request.method == "POST":
        data, errors = load_form(schemas.LoginSchema(), request.form)
        if data is not None:
            user = service.authenticate(db.session, data["email"], data["password"])
            if user is None:
                record_security_event(db.session, "login_failed", note="web")
                db.session.commit()
                errors = {"_form": ["E-mail or password is not right."]}
            elif two_factor.is_enabled(user):
                record_security_event(db.session, "login_password_ok", user_id=user.id, note="web")
                db.session.commit()
                await_second_factor(user)
                return redirect(
                    url_for("two_factor.login_second_step", next=request.args.get("next"))
                )
            else:
                record_security_event(db.session, "login", user_id=user.id, note="web")
                db.session.commit()
                _sign_in(user)
                return redirect(safe_next(request.args.get("next")))
    status = 200 if not errors else 400
    return render_template("accounts/login.html", errors=errors, form=request.form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        service.end_all_sessions(user)
        record_security_event(db.session, "logout", user_id=user.id)
        db.session.commit()
        logout_user()
    cookie_session.clear()
    flash(N_("You are signed out."))
    return redirect(url_for("home.index"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
@one_time_form
def signup():
    errors, claimable = {}, False
    clusters = list(db.session.exec(select(Cluster).order_by(Cluster.name)))
    if request.method == "POST":
        data, errors = load_form(schemas.SignUpSchema(), request.form)
        if data is not None:
            try:
                cluster = (
                    service.get_cluster_by_slug(db.session, data["cluster"])
                    if data["cluster"]
                    else None
                )
                user = service.sign_up_organisation(
                    db.session,
                    kind=OrganisationKind(data["account_type"]),
                    organisation_name=data["organisation_name"],
                    cluster=cluster,
                    email=data["email"],
                    password=data["password"],
                    full_name=data["full_name"],
                    identifiers={"gstin": data["gstin"], "udyam_number": data["udyam_number"]},
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
                claimable = isinstance(error, ProfileClaimable)
            else:
                record_security_event(db.session, "signup", user_id=user.id)
                token = account_tokens.request_verification(db.session, user)
                db.session.commit()
                mail.send_email_verification(user, token)
                _sign_in(user)
                flash(N_("Welcome to SupplierMatch."))
                flash(
                    gettext(
                        "We sent a link to %(email)s: follow it to confirm the address.",
                        email=user.email,
                    )
                )
                if user.vetting == Vetting.PENDING:
                    flash(
                        N_(
                            "Your cluster coordinator will review your firm's account; until then "
                            "you see the public directory."
                        )
                    )
                return redirect(url_for("home.index"))
    status = 200 if not errors else 400
    return (
        render_template(
            "accounts/signup.html",
            errors=errors,
            form=request.form,
            clusters=clusters,
            claimable=claimable,
        ),
        status,
    )


@bp.route("/account", methods=["GET"])
@require_login
def account():
    tokens = service.list_api_tokens(db.session, current_user)
    return render_template("accounts/account.html", tokens=tokens, new_token=None, errors={})


@bp.route("/account/tokens", methods=["POST"])
@require_login
@one_time_form(replay_to="accounts.account")
def create_token():
    data, errors = load_form(schemas.TokenCreateSchema(), request.form)
    new_token = None
    if data is not None:
        _, new_token = service.issue_api_token(db.session, current_user, data["name"])
        db.session.commit()
    tokens = service.list_api_tokens(db.session, current_user)
    status = 201 if new_token else 400
    return (
        render_template(
            "accounts/account.html", tokens=tokens, new_token=new_token, errors=errors or {}
        ),
        status,
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@require_login
def revoke_token(token_id):
    service.revoke_api_token(db.session, current_user, token_id)
    db.session.commit()
    flash(N_("Token revoked."))
    return redirect(url_for("accounts.account"))


@bp.route("/account/password", methods=["POST"])
@require_login
def change_password():
    data, errors = load_form(schemas.PasswordChangeSchema(), request.form)
    if data is not None:
        user = current_user._get_current_object()
        try:
            service.change_password(
                user, current_password=data["current_password"], new_password=data["new_password"]
            )
        except DomainError as error:
            db.session.rollback()
            errors = domain_errors(error)
        else:
            record_security_event(db.session, "password_changed", user_id=user.id)
            db.session.commit()
            _sign_in(user)
            flash(N_("Password changed. Other sessions were signed out."))
            return redirect(url_for("accounts.account"))
    tokens = service.list_api_tokens(db.session, current_user)
    return render_template(
        "accounts/account.html", tokens=tokens, new_token=None, errors=errors
    ), 400


# -- password reset and e-mail verification ---------------------------------------------------


def _no_referrer(response):
    # The token is in these pages' URL: it must not leave in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
@limiter.limit(EMAIL_LINK_RATE_LIMIT, methods=["POST"], key_func=account_key)
def forgot_password():
    errors, sent = {}, False
    if request.method == "POST":
        data, errors = load_form(schemas.PasswordResetRequestSchema(), request.form)
        if data is not None:
            found = account_tokens.request_password_reset(db.session, data["email"])
            if found is not None:
                user, token = found
                record_security_event(db.session, "password_reset_requested", user_id=user.id)
                db.session.commit()
                mail.send_password_reset(user, token)
            sent = True
    status = 400 if errors else 200
    page = render_template(
        "accounts/forgot_password.html",
        errors=errors or {},
        form=request.form,
        sent=RESET_REQUESTED if sent else None,
    )
    return page, status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
def reset_password(token):
    errors = {}
    if request.method == "POST":
        data, errors = load_form(
            schemas.PasswordResetConfirmSchema(), {**request.form.to_dict(), "token": token}
        )
        if data is not None:
            try:
                user = account_tokens.reset_password(
                    db.session, token=data["token"], new_password=data["new_password"]
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
            else:
                record_security_event(db.session, "password_reset", user_id=user.id)
                db.session.commit()
                # Whoever this browser was signed in as, it starts again at the sign-in page.
                logout_user()
                cookie_session.clear()
                flash(
                    N_(
                        "Your new password is set. Every session was signed out and your API "
                        "tokens were revoked; sign in with the new password."
                    )
                )
                return _no_referrer(redirect(url_for("accounts.login")))
    live = account_tokens.peek(db.session, token, TokenPurpose.PASSWORD_RESET) is not None
    page = render_template(
        "accounts/reset_password.html",
        errors=errors,
        live=live,
        invalid_link=account_tokens.INVALID_LINK,
    )
    return _no_referrer(make_response(page, 400 if errors else 200))


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
def verify_email(token):
    """A button, not the GET itself, confirms: mail scanners that open links would
    otherwise spend them."""
    errors = {}
    if request.method == "POST":
        # Who this browser is, read before the service rotates the user's session token
        # (after it, the cookie no longer loads the user).
        signed_in_as = current_user.id if current_user.is_authenticated else None
        try:
            user = account_tokens.verify_email(db.session, token=token)
        except DomainError as error:
            db.session.rollback()
            errors = domain_errors(error)
        else:
            record_security_event(db.session, "email_verified", user_id=user.id)
            db.session.commit()
            if signed_in_as == user.id:
                _sign_in(user)  # this browser stays signed in, with the new session token
            flash(N_("Your e-mail address is confirmed. Other sessions were signed out."))
            return _no_referrer(redirect(url_for("home.index")))
    live = account_tokens.peek(db.session, token, TokenPurpose.EMAIL_VERIFICATION) is not None
    page = render_template(
        "accounts/verify_email.html",
        errors=errors,
        live=live,
        invalid_link=account_tokens.INVALID_LINK,
    )
    return _no_referrer(make_response(page, 400 if errors else 200))


@bp.route("/account/verify-email", methods=["POST"])
@require_login
@limiter.limit(EMAIL_LINK_RATE_LIMIT, key_func=signed_in_user_key)
@one_time_form
def resend_verification():
    user = current_user._get_current_object()
    try:
        token = account_tokens.request_verification(db.session, user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message)
    else:
        db.session.commit()
        mail.send_email_verification(user, token)
        flash(
            gettext(
                "A new link is on its way to %(email)s; the earlier one no longer works.",
                email=user.email,
            )
        )
    return redirect(url_for("accounts.account"))


# -- vetting anchor firms ----------------------------------------------------------------------


@bp.route("/anchors/vetting", methods=["GET"])
@require(ActorKind.COORDINATOR)
def vetting_queue():
    return _render_vetting_queue(errors={}, status=200)


def _render_vetting_queue(*, errors: dict, status: int, failed_user_id: int | None = None):
    actor = current_actor()
    waiting, rejected = (
        vetting.applicants(db.session.exec(vetting.vetting_queue(db.session, actor, state=state)))
        for state in (Vetting.PENDING, Vetting.REJECTED)
    )
    return (
        render_template(
            "accounts/vetting_queue.html",
            waiting=waiting,
            rejected=rejected,
            errors=errors,
            failed_user_id=failed_user_id,
        ),
        status,
    )


@bp.route("/anchors/vetting/<int:user_id>", methods=["POST"])
@require(ActorKind.COORDINATOR)
def decide_vetting(user_id):
    data, errors = load_form(schemas.VettingDecisionSchema(), request.form)
    status = 422
    if data is not None:
        try:
            applicant = vetting.decide(
                db.session,
                current_actor(),
                user_id,
                decision=data["decision"],
                reason=data["reason"],
            )
        except DomainError as error:
            db.session.rollback()
            if error.status_code == 404:
                raise
            errors, status = domain_errors(error), error.status_code
        else:
            db.session.commit()
            done = (
                N_("%(firm)s (%(email)s) approved.")
                if applicant.user.vetting == Vetting.APPROVED
                else N_("%(firm)s (%(email)s) not approved.")
            )
            flash(gettext(done, firm=applicant.organisation.name, email=applicant.user.email))
            return redirect(url_for("accounts.vetting_queue"))
    return _render_vetting_queue(errors=errors, status=status, failed_user_id=user_id)
