"""Small builders for engine inputs: a valid supplier or requirement, changed where a test says."""

from dataclasses import replace
from datetime import date

from suppliermatch.matching.engine.types import HeldCertificate, RequirementQuery, SupplierDoc

NEEDED_BY = date(2026, 8, 30)
# A plant in Hosur (Krishnagiri district) and places at known distances from it.
PLANT = (12.74, 77.83)
NEAR = (12.97, 77.59)  # Bengaluru, about 36 km
FAR = (18.52, 73.86)  # Pune, about 770 km


def cert(code, status="certified", valid_until=date(2027, 3, 31), verified=False):
    return HeldCertificate(code=code, status=status, valid_until=valid_until, verified=verified)


def supplier(ref, capabilities="wire EDM job work", **changes) -> SupplierDoc:
    base = SupplierDoc(
        id=ref,
        ref=ref,
        name=f"{ref} Engineering Pvt Ltd",
        capabilities=capabilities,
        certificates=(cert("ISO9001"),),
        capacity_per_month=10_000,
        best_tolerance_mm=0.01,
        lat=NEAR[0],
        lon=NEAR[1],
    )
    return replace(base, **changes)


def requirement(title="Wire cut EDM job work", **changes) -> RequirementQuery:
    base = RequirementQuery(
        ref="R1",
        title=title,
        description="",
        required_certs=("ISO9001",),
        quantity_per_month=5_000,
        plant_lat=PLANT[0],
        plant_lon=PLANT[1],
        max_distance_km=300,
        needed_by=NEEDED_BY,
    )
    return replace(base, **changes)
