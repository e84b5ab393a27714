"""Rate limits for the endpoints attackers hammer: login, sign-up and password reset.

Limited per client address (the socket peer, never a client-sent X-Forwarded-For) and
per target account, so that spreading guesses over many addresses does not help.
"""

from flask import current_app, request

from suppliermatch.extensions import limiter

# OWASP's authentication cheat sheet asks for throttling, not a number; 10 a minute keeps
# a person who mistypes a few times unaffected and makes online guessing impractical.
AUTH_RATE_LIMIT = "10 per minute; 100 per hour"
# E-mails with a link, per target address (reset) or per signed-in user (resending the
# verification): enough for a lost message or two, too few to flood someone's inbox.
EMAIL_LINK_RATE_LIMIT = "5 per hour"


def account_key() -> str:
    """The e-mail the request is about, from a JSON body or a form."""
    email = ""
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("email"), str):
            email = body["email"]
    else:
        email = request.form.get("email", "")
    return "account:" + email.strip().lower()[:254]


def identifier_key() -> str:
    """The GSTIN or Udyam number a claim code is asked for: one profile's inbox is not
    flooded from many addresses."""
    values = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(values, dict) and not hasattr(values, "get"):
        values = {}
    named = [values.get(name) for name in ("gstin", "udyam_number")]
    given = next((value for value in named if isinstance(value, str) and value.strip()), "")
    return "identifier:" + given.strip().upper()[:24]


def signed_in_user_key() -> str:
    """The signed-in user (resending a verification link is for one's own account)."""
    from flask_login import current_user

    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id is not None else "anonymous:" + (request.remote_addr or "")


@limiter.request_filter
def rate_limits_off_for_this_app() -> bool:
    """Read ``RATE_LIMITS_ENABLED`` from the app serving the request.

    Flask-Limiter keeps its own ``enabled`` flag on the extension object, which every app
    initialised in the process shares (the last ``init_app`` decides it); a per-app setting
    checked per request cannot leak from one app to another.
    """
    return not current_app.config["RATE_LIMITS_ENABLED"]
