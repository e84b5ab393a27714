"""Rate limits for the endpoints attackers hammer: login, sign-up and password reset.

Limited per client address (the socket peer, never a client-sent X-Forwarded-For) and
per target account, so that spreading guesses over many addresses does not help.
"""

from flask import current_app, request

from suppliermatch.extensions import limiter

# OWASP's authentication cheat sheet asks for throttling, not a number; 10 a minute keeps
# a person who mistypes a few times unaffected and makes online guessing impractical.
AUTH_RATE_LIMIT = "10 per minute; 100 per hour"


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


@limiter.request_filter
def rate_limits_off_for_this_app() -> bool:
    """Read ``RATE_LIMITS_ENABLED`` from the app serving the request.

    Flask-Limiter keeps its own ``enabled`` flag on the extension object, which every app
    initialised in the process shares (the last ``init_app`` decides it); a per-app setting
    checked per request cannot leak from one app to another.
    """
    return not current_app.config["RATE_LIMITS_ENABLED"]
