"""``N_`` marks a message for the catalogues where it is written, without Flask: services
and the matching engine write English, and the page, API error or flash message that
shows it translates it there (``suppliermatch.i18n.translated``)."""


def N_(message: str) -> str:
    return message
