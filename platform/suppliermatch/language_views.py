"""The language switcher at the foot of every page: a cookie for everyone, and the saved
choice of a signed-in user (so that notifications and e-mails to them use it too)."""

from flask import Blueprint, redirect, request
from flask_login import current_user

from suppliermatch.accounts.views import safe_next
from suppliermatch.extensions import db
from suppliermatch.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE, supported

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def choose():
    language = supported(request.form.get("language"))
    response = redirect(safe_next(request.form.get("next")), code=303)
    if language is None:
        return response
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure,
        httponly=True,
    )
    if current_user.is_authenticated and current_user.locale != language:
        current_user.locale = language
        db.session.add(current_user)
        db.session.commit()
    return response
