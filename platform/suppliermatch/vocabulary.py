"""The words a page shows for a state and for the taxonomy, in the reader's language: the
one translation point for them (``suppliermatch.i18n.word``, the ``word`` template filter).

States are stored as codes (``in_preparation``, ``not_awarded``); they are shown as the words
below, which the catalogues translate. The taxonomy's category and process names live in
``seeds/taxonomy.json`` (an administrator extends it without a code change):
``extract_taxonomy`` hands them to ``make i18n-extract`` (babel.cfg), so the catalogues hold
them like any marked string. Stdlib only, like the taxonomy module.
"""

import json

from suppliermatch.translatable import N_

# Requirements, quotes and invitations to quote (requirements.lifecycle, .quotes,
# .invitations); certificate records, their checks and readiness steps (certification);
# accounts (accounts.models.Vetting); part qualifications and their elements; duplicate
# pairs; supplier invitations (onboarding).
STATE_WORDS = (
    N_("draft"),
    N_("published"),
    N_("closed"),
    N_("awarded"),
    N_("cancelled"),
    N_("submitted"),
    N_("not awarded"),
    N_("invited"),
    N_("declined"),
    N_("quoted"),
    N_("planned"),
    N_("in preparation"),
    N_("applied"),
    N_("audit scheduled"),
    N_("certified"),
    N_("expired"),
    N_("suspended"),
    N_("withdrawn"),
    N_("unverified"),
    N_("verified"),
    N_("rejected"),
    N_("done"),
    N_("in progress"),
    N_("lapsed"),
    N_("pending"),
    N_("approved"),
    N_("open"),
    N_("interim"),
    N_("requested"),
    N_("uploaded"),
    N_("accepted"),
    N_("returned"),
    N_("merged"),
    N_("dismissed"),
    N_("not invited"),
    N_("bounced"),
    N_("claimed"),
)

# What a refusal names ("No such %(what)s.", "Someone else changed this %(what)s ..."):
# the things of locking.claim, certification.permissions and payments.
THING_WORDS = (
    N_("requirement"),
    N_("quote"),
    N_("certificate"),
    N_("supplier"),
    N_("profile"),
    N_("delivery"),
    N_("invoice"),
    N_("certificate number"),
    N_("issuing body"),
    N_("issue date"),
    N_("expiry date"),
    N_("audit date"),
    N_("target date"),
)


def shown(code: str) -> str:
    """The English word of a stored state code: ``not_awarded`` is "not awarded"."""
    return code.replace("_", " ")


def extract_taxonomy(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for seeds/taxonomy.json: each category's and process's
    name, with the slug as a comment for the translator."""
    data = json.load(fileobj)
    for category in data.get("categories", ()):
        yield 1, None, category["name"], [f"category {category['slug']}"]
        for process in category.get("processes", ()):
            yield 1, None, process["name"], [f"process {process['slug']}"]
