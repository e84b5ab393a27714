"""Pages: sign in, sign up, sign out, the account page with API tokens, and the
coordinator's queue of anchor firms to vet."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
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
from suppliermatch.accounts import schemas, service, vetting
from suppliermatch.accounts.models import Cluster, OrganisationKind, Vetting
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db, limiter
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.ratelimits import AUTH_RATE_LIMIT, account_key

bp = Blueprint("accounts", __name__)


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
    flash("You are signed out.")
    return redirect(url_for("home.index"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
def signup():
    errors = {}
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
                )
            except DomainError as error:
                db.session.rollback()
                errors = domain_errors(error)
            else:
                record_security_event(db.session, "signup", user_id=user.id)
                db.session.commit()
                _sign_in(user)
                flash("Welcome to SupplierMatch.")
                if user.vetting == Vetting.PENDING:
                    flash(
                        "Your cluster coordinator will review your firm's account; until then "
                        "you see the public directory."
                    )
                return redirect(url_for("home.index"))
    status = 200 if not errors else 400
    return (
        render_template(
            "accounts/signup.html", errors=errors, form=request.form, clusters=clusters
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
    flash("Token revoked.")
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
            flash("Password changed. Other sessions were signed out.")
            return redirect(url_for("accounts.account"))
    tokens = service.list_api_tokens(db.session, current_user)
    return render_template(
        "accounts/account.html", tokens=tokens, new_token=None, errors=errors
    ), 400


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
            verb = "approved" if applicant.user.vetting == Vetting.APPROVED else "not approved"
            flash(f"{applicant.organisation.name} ({applicant.user.email}) {verb}.")
            return redirect(url_for("accounts.vetting_queue"))
    return _render_vetting_queue(errors=errors, status=status, failed_user_id=user_id)
