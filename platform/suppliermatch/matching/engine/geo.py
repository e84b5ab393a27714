"""Great-circle distances between suppliers and plants (haversine on a spherical Earth).

Road distance is longer, but the great-circle distance is what buyers can compute from PIN
code centroids, and it orders suppliers the same way for the distances that matter here.
"""

from __future__ import annotations

import math

import numpy as np

# IUGG mean Earth radius.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def haversine_km_many(lats: np.ndarray, lons: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Distances in km from one point to many; NaN where a coordinate is missing."""
    phi1 = np.radians(np.asarray(lats, dtype=np.float64))
    phi2 = math.radians(lat)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = (math.radians(lon) - np.radians(np.asarray(lons, dtype=np.float64))) / 2
    h = np.sin(half_dphi) ** 2 + np.cos(phi1) * math.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
