"""Rate limits for the endpoints attackers hammer: login, sign-up and password reset.

Limited per client address (the socket peer, never a client-sent X-Forwarded-For) and
per target account, so that spreading guesses over many addresses does not help.
"""

from flask import request

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
