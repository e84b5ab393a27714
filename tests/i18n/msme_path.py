"""The MSME's path through the platform: sign-up, profile, capabilities, certificates,
readiness, requirements to quote on, quoting, notifications, and the errors it can meet.

Every catalogue must translate every message written in these files (test_catalogues).
"""

TEMPLATES = (
    "base.html",
    "_nav.html",
    "_field.html",
    "_form_errors.html",
    "error.html",
    "home.html",
    "start/msme.html",
    "start/_macros.html",
    "accounts/signup.html",
    "accounts/login.html",
    "accounts/forgot_password.html",
    "accounts/reset_password.html",
    "accounts/verify_email.html",
    "accounts/account.html",
    "suppliers/edit.html",
    "suppliers/profile.html",
    "suppliers/child_form.html",
    "suppliers/_macros.html",
    "certification/list.html",
    "certification/detail.html",
    "certification/readiness.html",
    "certification/_macros.html",
    "certification/_readiness_summary.html",
    "requirements/supplier_list.html",
    "requirements/supplier_detail.html",
    "requirements/_quote_lacks.html",
    "requirements/_status.html",
    "requirements/_summary.html",
    "requirements/_drawings.html",
    "requirements/_pager.html",
    "requirements/_sort.html",
    "notifications/inbox.html",
    "onboarding/claim_code.html",
    "onboarding/claim_link.html",
)

# Sources whose messages an MSME reads: flash messages, e-mails, notifications and
# the refusals of what it does.
SOURCES = (
    "platform/suppliermatch/access.py",
    "platform/suppliermatch/errors.py",
    "platform/suppliermatch/i18n.py",
    "platform/suppliermatch/form_tokens.py",
    "platform/suppliermatch/accounts/views.py",
    "platform/suppliermatch/accounts/service.py",
    "platform/suppliermatch/accounts/mail.py",
    "platform/suppliermatch/accounts/account_tokens.py",
    "platform/suppliermatch/suppliers/views.py",
    "platform/suppliermatch/suppliers/service.py",
    "platform/suppliermatch/certification/views.py",
    "platform/suppliermatch/certification/service.py",
    "platform/suppliermatch/certification/evidence.py",
    "platform/suppliermatch/certification/uploads.py",
    "platform/suppliermatch/certification/schemas.py",
    "platform/suppliermatch/certification/permissions.py",
    "platform/suppliermatch/requirements/quotes.py",
    "platform/suppliermatch/requirements/notify.py",
    "platform/suppliermatch/requirements/invitations.py",
    "platform/suppliermatch/requirements/visibility.py",
    "platform/suppliermatch/notifications/service.py",
    "platform/suppliermatch/notifications/delivery.py",
    "platform/suppliermatch/onboarding/claims.py",
    "platform/suppliermatch/onboarding/views.py",
    "platform/suppliermatch/locking.py",
    "platform/suppliermatch/input_text.py",
    "platform/suppliermatch/accounts/passwords.py",
    # The words shown for states and the taxonomy's names (suppliermatch.vocabulary).
    "platform/suppliermatch/vocabulary.py",
    "seeds/taxonomy.json",
)


def in_msme_path(location: str) -> bool:
    """``location``: a catalogue entry's source file, as pybabel writes it."""
    if location.startswith("templates/"):
        return location.removeprefix("templates/") in TEMPLATES
    return location in SOURCES
