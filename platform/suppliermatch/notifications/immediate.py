"""Security e-mails (password reset and e-mail verification links), sent at once rather
than through the outbox.

The outbox keeps each message's body in the database until ``flask notifications send``
runs, and shows it in the in-app inbox. A body holding a live link would put the raw token
in the database, which ``AccountToken`` is careful never to do (it keeps a digest only), and
the link cannot be composed at send time from the digest. So these messages go straight to
the mailer, after the answer has been sent: a request for an address with an account then
answers as fast as one for an unknown address (the time an SMTP hand-off takes would tell
them apart). A failure is logged and not retried; the user asks again, and the link is
single use and short-lived anyway.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import after_this_request, current_app

from suppliermatch.notifications.delivery import Mailer, SmtpMailer

log = logging.getLogger(__name__)


def configured_mailer(config) -> Mailer | None:
    """``MAILER`` (an object with ``send(message)``, e.g. a test's recorder), else SMTP at
    MAIL_HOST, else None: nothing is sent."""
    if config.get("MAILER") is not None:
        return config["MAILER"]
    if not config.get("MAIL_HOST"):
        return None
    return SmtpMailer(config["MAIL_HOST"], int(config["MAIL_PORT"]), config["MAIL_FROM"])


def absolute_link(path: str) -> str | None:
    """``path`` on BASE_URL. Never on the request's Host header: an attacker asking for a
    reset of someone else's account could set it, and the victim's link would carry the
    token to the attacker's site ("password reset poisoning")."""
    base_url = current_app.config.get("BASE_URL") or ""
    if not base_url:
        return None
    return base_url.rstrip("/") + path


def send_after_response(*, to: str, subject: str, body: str, purpose: str) -> None:
    """Hand the message to the mailer once the response is sent. Call after the commit."""
    config = current_app.config
    mailer = configured_mailer(config)
    if mailer is None:
        log.warning("no mailer configured (MAIL_HOST): the %s e-mail was not sent", purpose)
        return
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message.set_content(body + "\n\nYou receive this because of an account on SupplierMatch.")

    @after_this_request
    def send_when_answered(response):
        response.call_on_close(lambda: _send(mailer, message, purpose))
        return response


def _send(mailer: Mailer, message: EmailMessage, purpose: str) -> None:
    try:
        mailer.send(message)
    except (OSError, smtplib.SMTPException) as error:
        # Never the address or the link in the log: the link is a live credential.
        log.warning("the %s e-mail could not be sent: %s", purpose, type(error).__name__)
