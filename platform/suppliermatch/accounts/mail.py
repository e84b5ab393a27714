"""The e-mails that carry one-time links: composed here, sent by ``notifications.immediate``.

Views call these after their commit, so no link is sent for a change that was rolled back.
"""

import logging

from flask import url_for

from suppliermatch.accounts.account_tokens import TOKEN_LIFETIMES
from suppliermatch.accounts.models import TokenPurpose, User
from suppliermatch.notifications.immediate import absolute_link, send_after_response

log = logging.getLogger(__name__)


def _minutes(purpose: TokenPurpose) -> str:
    lifetime = TOKEN_LIFETIMES[purpose]
    hours = lifetime.total_seconds() / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"


def _send(user: User, purpose: TokenPurpose, path: str, subject: str, text: str) -> None:
    link = absolute_link(path)
    if link is None:
        log.error("BASE_URL is not set: the %s e-mail was not sent", purpose.value)
        return
    send_after_response(to=user.email, subject=subject, body=f"{text}\n\n{link}", purpose=purpose)


def send_password_reset(user: User, token: str) -> None:
    _send(
        user,
        TokenPurpose.PASSWORD_RESET,
        url_for("accounts.reset_password", token=token),
        "Set a new SupplierMatch password",
        f"Someone asked to reset the password of {user.email}. Follow this link within "
        f"{_minutes(TokenPurpose.PASSWORD_RESET)} to choose a new one; it works once. "
        "Setting it signs out every session and revokes your API tokens. If you did not "
        "ask, ignore this e-mail: your password stays as it is.",
    )


def send_email_verification(user: User, token: str) -> None:
    _send(
        user,
        TokenPurpose.EMAIL_VERIFICATION,
        url_for("accounts.verify_email", token=token),
        "Confirm your e-mail address for SupplierMatch",
        f"Follow this link within {_minutes(TokenPurpose.EMAIL_VERIFICATION)} to confirm "
        f"that {user.email} is yours. If you did not sign up, ignore this e-mail.",
    )
