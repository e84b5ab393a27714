"""Protections every response and every state-changing request gets, whatever the route.

- CSRF: any POST/PUT/PATCH/DELETE made with the login cookie must carry the token (form
  field ``csrf_token`` or header ``X-CSRFToken``). Calls authenticated by an API token carry
  no ambient credential and are exempt, as are API calls with no signed-in user (they get
  401); so are the JSON login and sign-up, which need a JSON body a cross-site form cannot
  send.
- Headers: CSP, nosniff, Referrer-Policy, frame-ancestors, HSTS on HTTPS, and no-store on
  anything shown to a signed-in user: set here, on errors and downloads too.
"""

import sqlalchemy as sa
from flask import Flask, request
from flask_login import current_user
from werkzeug.exceptions import UnsupportedMediaType

from suppliermatch.accounts.auth import bearer_token
from suppliermatch.database import READ_ONLY_BEGIN
from suppliermatch.extensions import csrf, db

STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Anonymous JSON entry points: a browser form cannot send application/json cross-site.
JSON_ONLY_CSRF_EXEMPT = frozenset(
    {"auth_api.login", "auth_api.signup", "two_factor_api.login_second_step"}
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI initialises itself with an inline script and inline styles.
API_DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def init_security(app: Flask) -> None:
    csrf.init_app(app)

    @app.before_request
    def protect_against_csrf():
        if request.method not in STATE_CHANGING_METHODS:
            return
        if bearer_token() is not None:
            return
        if request.endpoint in JSON_ONLY_CSRF_EXEMPT:
            if not request.is_json:
                raise UnsupportedMediaType("Send this request as application/json.")
            return
        if request.path.startswith("/api/") and not _is_signed_in():
            # No login cookie, so nothing for a forged request to ride on: the route's own
            # check answers (401), rather than a CSRF 400 that hides the missing sign-in.
            # Pages keep the check for everyone: their login form guards against login CSRF.
            return
        csrf.protect()

    @app.before_request
    def reads_do_not_take_the_write_lock():
        # SQLite: a GET begins DEFERRED so that readers never queue behind writers.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return
        bind = db.session.get_bind()
        # A session joined to an outer connection (tests) has its transaction already.
        if isinstance(bind, sa.Engine) and bind.dialect.name == "sqlite":
            db.session.connection(execution_options=READ_ONLY_BEGIN)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        if request.path.startswith("/api/docs"):
            headers.setdefault("Content-Security-Policy", API_DOCS_CONTENT_SECURITY_POLICY)
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _is_signed_in() or bearer_token() is not None:
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response


def _is_signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:
        return False
