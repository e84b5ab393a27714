"""``N_`` marks a message for the catalogues where it is written, without Flask: services
and the matching engine write English, and the page, API error or flash message that
shows it translates it there (``suppliermatch.i18n.translated``).

A message with values in it names them: ``N_("Line item %(item)s is priced twice.",
item=7)`` is the English sentence (a ``str``, so it reads, compares and serialises as one)
that remembers its template and values, so that the catalogue's translation of the
*template* is filled with the same values where it is shown. A value that is itself marked
(``marked``: a status word, a process's name; another message) is translated there too;
any other value (a name, a number, a code) is shown as it is.
"""


class Message(str):
    """An English message filled from a marked template; see ``N_``."""

    template: str
    values: dict

    def __new__(cls, template: str, values: dict) -> "Message":
        message = super().__new__(cls, template % values if values else template)
        message.template = template
        message.values = values
        return message

    def __getnewargs__(self):
        # A copy (copy.deepcopy, pickle) is made again from its template and values.
        return self.template, self.values


def N_(message: str, **values) -> str:
    return Message(message, values) if values else message


def marked(word: str) -> str:
    """A word the catalogue translates (a status, a name from the taxonomy), as the value
    of a message: it is looked up where the message is shown."""
    return Message(word, {})
