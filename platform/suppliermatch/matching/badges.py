"""The tone and the words for each kind of match, as the ranking page and the match report
show them (marked for translation; templates translate them as they render)."""

from suppliermatch.i18n import N_

MATCH_BADGES = {
    "exact": ("good", N_("Fully qualified")),
    "related": ("warn", N_("Related process")),
    "text": ("warn", N_("Text match")),
    "weak": ("bad", N_("Same category only")),
}
