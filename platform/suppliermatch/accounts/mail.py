"""The e-mails that carry one-time links: composed here, sent by ``notifications.immediate``.

Views call these after their commit, so no link is sent for a change that was rolled back.
"""

import logging

from flask import url_for

from suppliermatch.accounts.account_tokens import TOKEN_LIFETIMES
from suppliermatch.accounts.models import TokenPurpose, User
from suppliermatch.i18n import current_language, gettext, in_language, ngettext
from suppliermatch.notifications.immediate import absolute_link, send_after_response

log = logging.getLogger(__name__)


def _minutes(purpose: TokenPurpose) -> str:
    lifetime = TOKEN_LIFETIMES[purpose]
    hours = lifetime.total_seconds() / 3600
    return ngettext("%(hours)s hour", "%(hours)s hours", int(hours), hours=f"{hours:g}")


def _send(user: User, purpose: TokenPurpose, path: str, subject, text) -> None:
    """``subject`` and ``text`` are functions: written in the recipient's saved language,
    else the language of the page that asked for the e-mail."""
    link = absolute_link(path)
    if link is None:
        log.error("BASE_URL is not set: the %s e-mail was not sent", purpose.value)
        return
    with in_language(user.locale or current_language()):
        subject, text = subject(), text()
    send_after_response(to=user.email, subject=subject, body=f"{text}\n\n{link}", purpose=purpose)


def send_password_reset(user: User, token: str) -> None:
    _send(
        user,
        TokenPurpose.PASSWORD_RESET,
        url_for("accounts.reset_password", token=token),
        lambda: gettext("Set a new SupplierMatch password"),
        lambda: gettext(
            "Someone asked to reset the password of %(email)s. Follow this link within "
            "%(within)s to choose a new one; it works once. Setting it signs out every "
            "session and revokes your API tokens. If you did not ask, ignore this e-mail: "
            "your password stays as it is.",
            email=user.email,
            within=_minutes(TokenPurpose.PASSWORD_RESET),
        ),
    )


def send_email_verification(user: User, token: str) -> None:
    _send(
        user,
        TokenPurpose.EMAIL_VERIFICATION,
        url_for("accounts.verify_email", token=token),
        lambda: gettext("Confirm your e-mail address for SupplierMatch"),
        lambda: gettext(
            "Follow this link within %(within)s to confirm that %(email)s is yours. If you "
            "did not sign up, ignore this e-mail.",
            email=user.email,
            within=_minutes(TokenPurpose.EMAIL_VERIFICATION),
        ),
    )
