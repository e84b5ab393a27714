"""One error shape for the API, friendly pages for people, never a traceback or SQL.

API errors are JSON ``{"code", "status", "message", "errors"}``: the shape flask-smorest
uses for its own validation errors, so every /api error looks the same.
"""

import logging

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from suppliermatch.translatable import N_

log = logging.getLogger(__name__)
security_log = logging.getLogger("suppliermatch.security")
# Refusals worth a line in the security log (404s are not: they are mostly mistyped links).
LOGGED_DENIALS = frozenset({401, 403})


def log_denial(status: int) -> None:
    from flask_login import current_user

    user_id = getattr(current_user, "id", None) if current_user else None
    security_log.info(
        "denied status=%s %s %s user=%s addr=%s",
        status,
        request.method,
        request.path,
        user_id,
        request.remote_addr,
    )


class DomainError(Exception):
    """A rule refused the request. Services raise these; views turn them into 4xx."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors if errors is not None else ({field: [message]} if field else None)


class NotFound(DomainError):
    """Also what another tenant's object answers: its existence is not revealed."""

    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """An illegal state transition or a stale version."""

    status_code = 409


class ValidationFailed(DomainError):
    status_code = 422


def wants_json() -> bool:
    return request.path.startswith("/api") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def error_response(status: int, message: str, errors: dict | None = None, name: str = ""):
    """The error in the reader's language (English unless they chose or asked for another):
    the message and each field's messages are looked up in the catalogue."""
    from suppliermatch.i18n import translated, translated_messages

    message = translated(message)
    errors = translated_messages(errors) if errors else errors
    if wants_json():
        # ``errors`` names the fields at fault; {} when the request as a whole is refused.
        body = {"code": status, "status": name, "message": message, "errors": errors or {}}
        response = jsonify(body)
    else:
        page = render_template("error.html", status=status, name=name, message=message)
        response = make_response(page)
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        names = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}
        name = names.get(error.status_code, "Unprocessable Entity")
        if error.status_code in LOGGED_DENIALS:
            log_denial(error.status_code)
        return error_response(error.status_code, error.message, error.errors, name)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        # flask-smorest / webargs put field errors in error.data["messages"].
        data = getattr(error, "data", None) or {}
        errors = data.get("messages")
        if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "files"}:
            errors = _flatten_locations(errors)
        message = data.get("message") or error.description or error.name
        if error.code in LOGGED_DENIALS:
            log_denial(error.code)
        if errors and error.code == 422:
            from suppliermatch.i18n import gettext

            message = gettext(
                "The request has invalid fields: %(fields)s", fields=", ".join(sorted(errors))
            )
        response = error_response(error.code or 500, message, errors, error.name)
        if error.code == 503:
            # The database is back within seconds once the server restarts (pool pre-ping).
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(OperationalError)
    def handle_database_unavailable(error: OperationalError):
        log.warning("database unavailable: %s: %s", type(error.orig).__name__, error.orig)
        exc = ServiceUnavailable(N_("The database is unavailable; please retry shortly."))
        return handle_http_exception(exc)

    @app.errorhandler(DBAPIError)
    def handle_database_error(error: DBAPIError):
        if error.connection_invalidated:
            return handle_database_unavailable(error)
        log.exception("database error")
        return handle_http_exception(InternalServerError())

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error")
        return handle_http_exception(InternalServerError())


def _flatten_locations(messages: dict) -> dict:
    flat: dict = {}
    for per_location in messages.values():
        if isinstance(per_location, dict):
            flat.update(per_location)
    return flat
