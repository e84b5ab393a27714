"""The languages of the clusters: English, Hindi, Odia, Telugu and Tamil.

Every page, form label, flash message, API error message, e-mail and notification goes
through gettext (Flask-Babel). The catalogues live in ``translations/`` at the repository
root; ``make install`` compiles them (``make i18n-compile``). Without compiled catalogues the
app still starts and speaks English.

The language of a request: the signed-in user's saved choice, else the language cookie the
switcher sets (anonymous visitors), else the browser's Accept-Language, else English. A
message to someone else (a notification, an e-mail) is written in *their* language:
``in_language``.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext, lazy_gettext, ngettext
from sqlalchemy.exc import SQLAlchemyError

from suppliermatch import formats
from suppliermatch.paths import TRANSLATIONS_DIR
from suppliermatch.translatable import N_, Message
from suppliermatch.vocabulary import shown

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "N_",
    "current_language",
    "gettext",
    "in_language",
    "init_i18n",
    "lazy_gettext",
    "ngettext",
    "translated",
    "word",
]

# The cluster states' languages (Odisha, Andhra Pradesh, Tamil Nadu) and Hindi, each named
# in its own script: the switcher shows these.
LANGUAGES = {
    "en": "English",
    "hi": "हिन्दी",
    "or": "ଓଡ଼ିଆ",
    "te": "తెలుగు",
    "ta": "தமிழ்",
}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "sm_lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    # Every user is in India: Indian Standard Time has no daylight saving.
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Kolkata")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_language)
    formats.read_language_from(current_language)
    app.add_template_filter(word, "word")
    app.add_template_filter(translated, "translated")

    @app.context_processor
    def languages():
        return {"languages": LANGUAGES, "current_language": current_language()}


def supported(code: str | None) -> str | None:
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def select_language() -> str:
    """The user's saved choice, else the switcher's cookie, else Accept-Language, else English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    from flask_login import current_user

    try:
        saved = supported(getattr(current_user, "locale", None)) if current_user else None
    except SQLAlchemyError:
        # An error page after a failed commit: the user's row cannot be read again in this
        # transaction (its attributes expired); the cookie or the browser decides.
        saved = None
    if saved:
        return saved
    cookie = supported(request.cookies.get(LANGUAGE_COOKIE))
    if cookie:
        return cookie
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of what is being written now (English outside a request)."""
    locale = get_locale()
    return supported(locale.language if locale else None) or DEFAULT_LANGUAGE


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Write in another person's language for a while (a notification, an e-mail)."""
    with force_locale(supported(code) or DEFAULT_LANGUAGE):
        yield


def translated(message: str | None) -> str | None:
    """A message marked with ``N_`` (or written in English by a service) in the current
    language: the catalogue's translation when it has one, else the message itself. A
    message with values is looked up by its template, its marked values translated too."""
    if not message or not isinstance(message, str):
        return message
    if isinstance(message, Message):
        values = {
            name: translated(value) if isinstance(value, Message) else value
            for name, value in message.values.items()
        }
        return gettext(message.template, **values)
    return gettext(message)


def word(code: str | None) -> str | None:
    """A stored state (``in_preparation``) or a taxonomy name in the reader's language: the
    one translation point for them (``suppliermatch.vocabulary``)."""
    return translated(shown(code)) if code and isinstance(code, str) else code


def translated_messages(messages):
    """A field-error structure (dicts and lists of messages, as marshmallow and the services
    make them) with every message translated."""
    if isinstance(messages, str):
        return translated(messages)
    if isinstance(messages, dict):
        return {key: translated_messages(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translated_messages(value) for value in messages]
    return messages


# marshmallow's own messages for the fields the forms and the API have, so that the
# catalogues hold them (``translated`` looks them up where they are shown).
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid email address."),
    N_("Not a valid list."),
    N_("Not a valid URL."),
    N_("Invalid input type."),
    N_("Invalid value."),
    N_("Shorter than minimum length 1."),
    N_("Must be one of: %s."),
    N_("Must be greater than or equal to 0."),
    N_("Must be greater than or equal to 1."),
)


def flash(message: str, category: str = "message") -> None:
    """``flask.flash`` in the reader's language: a message marked with ``N_`` (or a service's
    error message) is looked up in the catalogue; one already written with ``gettext``
    passes through as it is."""
    from flask import flash as flask_flash

    flask_flash(translated(message), category)
