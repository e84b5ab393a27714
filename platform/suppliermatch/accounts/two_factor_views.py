"""Pages of two-factor sign-in: the code after the password, turning it on (secret, then a
code, then the recovery codes shown once) and off, and the admins' rule that requires it."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.accounts import schemas, two_factor
from suppliermatch.accounts.auth import pending_second_factor
from suppliermatch.accounts.views import _sign_in, safe_next
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db, limiter
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import N_, flash
from suppliermatch.ratelimits import AUTH_RATE_LIMIT

bp = Blueprint("two_factor", __name__)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])
def login_second_step():
    user = pending_second_factor()
    errors: dict = {}
    if request.method == "POST" and user is not None:
        data, errors = load_form(schemas.TwoFactorCodeSchema(), request.form)
        if data is not None:
            try:
                how = two_factor.verify(db.session, user, data["code"])
            except DomainError as error:
                record_security_event(db.session, "login_failed", user_id=user.id, note="code")
                db.session.commit()
                errors = domain_errors(error)
            else:
                record_security_event(db.session, "login", user_id=user.id, note=f"web, {how}")
                db.session.commit()
                _sign_in(user)
                if how == "recovery_code":
                    flash(N_("You signed in with a recovery code; it cannot be used again."))
                return redirect(safe_next(request.args.get("next")))
    page = render_template("accounts/two_factor_login.html", errors=errors, pending=user)
    return page, (422 if errors else 200)


def _settings_page(*, errors=None, setup=None, recovery_codes=None, status=200):
    user = current_user._get_current_object()
    return render_template(
        "accounts/two_factor.html",
        errors=errors or {},
        enabled=two_factor.is_enabled(user),
        required=two_factor.policy(db.session).two_factor_required,
        codes_left=two_factor.recovery_codes_left(db.session, user),
        setup=setup,
        recovery_codes=recovery_codes,
    ), status


@bp.route("/account/two-factor", methods=["GET"])
@require(ActorKind.COORDINATOR)
def settings():
    return _settings_page()


@bp.route("/account/two-factor/start", methods=["POST"])
@require(ActorKind.COORDINATOR)
def start():
    try:
        secret, uri = two_factor.start(
            db.session, current_user._get_current_object(), current_actor()
        )
    except DomainError as error:
        db.session.rollback()
        return _settings_page(errors=domain_errors(error), status=error.status_code)
    db.session.commit()
    return _settings_page(setup={"secret": secret, "uri": uri})


@bp.route("/account/two-factor/confirm", methods=["POST"])
@require(ActorKind.COORDINATOR)
def confirm():
    data, errors = load_form(schemas.TwoFactorCodeSchema(), request.form)
    if data is not None:
        try:
            codes = two_factor.confirm(db.session, current_user._get_current_object(), data["code"])
        except DomainError as error:
            db.session.rollback()
            errors, status = domain_errors(error), error.status_code
        else:
            db.session.commit()
            return _settings_page(recovery_codes=codes)
    else:
        status = 422
    user = current_user._get_current_object()
    setup = {"secret": user.totp_secret, "uri": None} if user.totp_secret else None
    return _settings_page(errors=errors, setup=setup, status=status)


@bp.route("/account/two-factor/disable", methods=["POST"])
@require(ActorKind.COORDINATOR)
def disable():
    data, errors = load_form(schemas.PasswordConfirmSchema(), request.form)
    if data is not None:
        try:
            two_factor.disable(
                db.session,
                current_user._get_current_object(),
                current_actor(),
                password=data["password"],
            )
        except DomainError as error:
            db.session.rollback()
            return _settings_page(errors=domain_errors(error), status=error.status_code)
        db.session.commit()
        flash(N_("Two-factor sign-in is off."))
        return redirect(url_for("two_factor.settings"))
    return _settings_page(errors=errors, status=422)


@bp.route("/admin/security", methods=["GET", "POST"])
@require(ActorKind.ADMIN)
def policy():
    if request.method == "POST":
        two_factor.set_policy(
            db.session,
            current_actor(),
            two_factor_required=request.form.get("two_factor_required") == "1",
        )
        db.session.commit()
        flash(N_("Sign-in rules saved."))
        return redirect(url_for("two_factor.policy"))
    return render_template("accounts/security_policy.html", rules=two_factor.policy(db.session))
