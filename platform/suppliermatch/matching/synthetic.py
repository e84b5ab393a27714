"""Realistic synthetic suppliers and requirements at any scale, for speed and load tests.

Texts are written the way MSMEs write them: one to three capabilities in the taxonomy's
words (any synonym, sometimes abbreviated or with a swapped-letter typo), an equipment list,
filler ("Export quality."), sometimes a tolerance; about 30% leave categories empty.
Real firms also write about everything else (cartons, cables, castings, pump spares): a
share of suppliers lists only such products, and others add one to their processes, drawn
from open-vocabulary product names (a material, a product, a qualifier); a share of the
requirements asks for such a product with no category, so that the text path is timed too.
Certificates come with every status and expiries either side of typical needed-by dates.
Everything is drawn from a seeded generator, so a given (n, seed) always gives the same data.

This is for measuring speed and memory, not quality: the texts use the taxonomy's own
synonyms, so they say nothing about how well unseen wordings are understood.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from suppliermatch.matching.engine.text import words
from suppliermatch.matching.engine.types import HeldCertificate, RequirementQuery, SupplierDoc
from suppliermatch.reference.certificates import CertificateCatalogue, default_catalogue
from suppliermatch.reference.taxonomy import Taxonomy, default_taxonomy

# Cluster towns named in the REPM scheme commentary and MSME hubs near them: (name, lat, lon).
PLACES = (
    ("Krishnagiri", 12.52, 78.21),
    ("Hosur", 12.74, 77.83),
    ("Chennai", 13.08, 80.27),
    ("Coimbatore", 11.02, 76.96),
    ("Tumakuru", 13.34, 77.10),
    ("Bengaluru", 12.97, 77.59),
    ("Mysuru", 12.30, 76.64),
    ("Belagavi", 15.85, 74.50),
    ("Pune", 18.52, 73.86),
    ("Aurangabad", 19.88, 75.34),
    ("Bharuch", 21.70, 72.98),
    ("Vadodara", 22.31, 73.18),
    ("Rajkot", 22.30, 70.80),
    ("Surat", 21.17, 72.83),
    ("Ganjam", 19.36, 84.98),
    ("Cuttack", 20.46, 85.88),
    ("Angul", 20.84, 85.10),
    ("Visakhapatnam", 17.69, 83.22),
    ("Tirupati", 13.63, 79.42),
    ("Hyderabad", 17.39, 78.49),
)
_NAME_FIRST = (
    "Sri",
    "Shree",
    "Balaji",
    "Venkateswara",
    "Kaveri",
    "Narmada",
    "Deccan",
    "Surya",
    "Ganga",
    "Nova",
    "Precision",
    "Bharat",
    "Om",
    "Sai",
    "Kalinga",
    "Coromandel",
    "Vindhya",
    "Ashoka",
)
_NAME_SECOND = (
    "Metal",
    "Thermal",
    "Engineering",
    "Tools",
    "Coatings",
    "Labs",
    "Magnetics",
    "Industries",
    "Alloys",
    "Components",
    "Technocrats",
    "Services",
)
_NAME_SUFFIX = ("Pvt Ltd", "Private Limited", "(P) Ltd", "Enterprises", "Works", "& Co", "LLP")
_EQUIPMENT = (
    "3 CNC lathes",
    "2 VMC",
    "1 HMC",
    "ICP-OES",
    "a hysteresisgraph",
    "2 wire EDM machines",
    "a 1000 kN press",
    "a 10 kL ETP",
    "an 800 L plating line",
    "a Zeiss CMM",
    "a 2 tonne vacuum furnace",
    "a 500 kg/h jet mill",
    "a 600x400 surface grinder",
)
_FILLER = (
    "Export quality.",
    "ISO certified unit.",
    "Located near the industrial estate.",
    "Open to new vendor registrations.",
    "Tier-2 supplier to EV motor makers.",
    "Supplying to defence PSUs.",
    "We also do general fabrication.",
    "Quality is our motto.",
    "Serving auto OEMs since {year}.",
    "Proprietor-run unit with {staff} staff.",
)
# Open-vocabulary products: "{material} {goods}[, {qualifier}]".
_MATERIALS = words(
    """
    stainless steel mild cast iron aluminium copper brass bronze zinc titanium nickel
    rubber nitrile silicone PVC HDPE polypropylene nylon PTFE ceramic glass fibreglass
    carbon graphite teak plywood kraft paper corrugated cotton jute canvas leather foam
    epoxy enamel galvanised tinned
    """
)
_GOODS = words(
    """
    pipes tubes fittings flanges valves gaskets seals hoses bellows bushes bearings pulleys
    gears sprockets shafts couplings fasteners bolts nuts washers rivets springs clamps
    brackets hinges handles knobs castings forgings stampings extrusions sheets strips
    wires cables conductors connectors terminals switches sockets relays fuses panels
    enclosures cabinets racks trays boxes cartons crates pallets drums barrels bags sacks
    labels tapes films liners covers filters strainers nozzles impellers pumps motors fans
    blowers compressors heaters coolers radiators chillers tanks vessels containers
    moulds dies jigs gauges meters sensors thermostats lamps fixtures tools brushes wheels
    discs belts chains ropes nets gloves aprons uniforms helmets shoes
    """
)
_QUALIFIERS = (
    "industrial type",
    "for chemical plants",
    "for automotive use",
    "heavy duty",
    "made to drawing",
    "spares and repairs",
    "export packing",
    "food grade",
    "high temperature",
    "(except household)",
    "assorted sizes",
    "to IS standards",
)
# Shares of suppliers listing open-vocabulary products only, of the rest adding one, and of
# requirements asking for one.
_OPEN_SUPPLIER_SHARE = 0.3
_OPEN_EXTRA_SHARE = 0.3
_OPEN_REQUIREMENT_SHARE = 0.25
_CAPACITIES = (200, 500, 1000, 3000, 8000, 15000, 30000, 60000)
_QUANTITIES = (500, 1000, 2000, 5000, 10000, 20000)
_TOLERANCES = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1)
_STATUSES = ("certified",) * 6 + ("expired", "applied", "audit_scheduled", "suspended")
_MAX_DISTANCES = (None, 300, 600, 1000)
# Certificates are valid until a day within this window (days from the reference date).
_VALIDITY_WINDOW = (-400, 1200)


class SyntheticData:
    """Draws suppliers and requirements from one taxonomy and certificate catalogue."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        catalogue: CertificateCatalogue | None = None,
        seed: int = 0,
        reference_date: date = date(2026, 7, 1),
    ) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.catalogue = catalogue or default_catalogue()
        self.seed = seed
        self.reference_date = reference_date
        self._processes = self.taxonomy.processes
        abbreviations = self.taxonomy.abbreviations
        # Writers abbreviate: "molybdenum" -> "moly", so offer the short forms back.
        self._short_forms: dict[str, list[str]] = {}
        for short, long in abbreviations.items():
            if " " not in long and short != long:
                self._short_forms.setdefault(long, []).append(short)

    def suppliers(self, count: int, start: int = 1) -> Iterator[SupplierDoc]:
        rng = random.Random(f"{self.seed}-suppliers")  # noqa: S311 (test data, not secrets)
        for number in range(start, start + count):
            yield self._supplier(rng, number)

    def requirements(self, count: int) -> list[RequirementQuery]:
        rng = random.Random(f"{self.seed}-requirements")  # noqa: S311 (test data, not secrets)
        return [self._requirement(rng, number) for number in range(1, count + 1)]

    # -- suppliers ---------------------------------------------------------------------------

    def _supplier(self, rng: random.Random, number: int) -> SupplierDoc:
        if rng.random() < _OPEN_SUPPLIER_SHARE:
            offered = []
            phrases = [_product(rng) for _ in range(rng.randint(2, 4))]
        else:
            offered = rng.sample(self._processes, k=rng.choice((1, 1, 2, 2, 2, 3)))
            phrases = [self._wording(rng, process.synonyms) for process in offered]
            if rng.random() < _OPEN_EXTRA_SHARE:
                phrases.append(_product(rng))
        place, lat, lon = rng.choice(PLACES)
        machining = any(p.category == "cnc_machining" for p in offered)
        tolerance = rng.choice(_TOLERANCES) if machining or rng.random() < 0.05 else None
        text = self._capability_text(rng, place, phrases, tolerance)
        categories = tuple(dict.fromkeys(p.category for p in offered)) if rng.random() < 0.7 else ()
        return SupplierDoc(
            id=number,
            ref=f"S{number:07d}",
            name=f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_SECOND)} {rng.choice(_NAME_SUFFIX)}",
            categories=categories,
            capabilities=text,
            certificates=tuple(self._certificates(rng)),
            capacity_per_month=float(rng.choice(_CAPACITIES)),
            best_tolerance_mm=tolerance,
            lat=round(lat + rng.uniform(-0.6, 0.6), 4),
            lon=round(lon + rng.uniform(-0.6, 0.6), 4),
            readiness=round(rng.random(), 2) if rng.random() < 0.5 else None,
            scorecard=round(rng.random(), 2) if rng.random() < 0.3 else None,
        )

    def _capability_text(
        self, rng: random.Random, place: str, phrases: list[str], tolerance: float | None
    ) -> str:
        filler = rng.choice(_FILLER).format(
            year=rng.randint(1985, 2022), staff=rng.randint(12, 180)
        )
        style = rng.random()
        if style < 0.45:
            equipment = ", ".join(rng.sample(_EQUIPMENT, k=2))
            text = f"We offer {', '.join(phrases)}. Facilities: {equipment}. {filler}"
        elif style < 0.75:
            text = f"{place} based unit. {'; '.join(phrases)}. {filler}"
        else:
            text = ", ".join(phrases)
        if tolerance is not None:
            text += " " + rng.choice(
                (
                    f"Achievable tol \u00b1{tolerance:g} mm.",
                    f"Tolerance up to {tolerance:g} mm.",
                    f"accuracy {tolerance * 1000:g} micron",
                )
            )
        return text

    def _wording(self, rng: random.Random, synonyms: tuple[str, ...]) -> str:
        words = rng.choice(synonyms).split()
        words = [
            rng.choice(self._short_forms[w]) if w in self._short_forms and rng.random() < 0.3 else w
            for w in words
        ]
        if rng.random() < 0.15:
            words = [
                _swap_letters(rng, w) if len(w) > 5 and rng.random() < 0.5 else w for w in words
            ]
        text = " ".join(words)
        return text.capitalize() if rng.random() < 0.3 else text

    def _certificates(self, rng: random.Random) -> Iterator[HeldCertificate]:
        codes = rng.sample(self.catalogue.codes, k=rng.randint(0, 5))
        for code in codes:
            offset = rng.randint(*_VALIDITY_WINDOW)
            yield HeldCertificate(
                code=code,
                status=rng.choice(_STATUSES),
                valid_until=self.reference_date + timedelta(days=offset),
                verified=rng.random() < 0.4,
            )

    # -- requirements ------------------------------------------------------------------------

    def _requirement(self, rng: random.Random, number: int) -> RequirementQuery:
        if rng.random() < _OPEN_REQUIREMENT_SHARE:
            return self._open_requirement(rng, number)
        process = rng.choice(self._processes)
        first = self._wording(rng, process.synonyms)
        second = self._wording(rng, process.synonyms)
        place, lat, lon = rng.choice(PLACES)
        quantity = float(rng.choice(_QUANTITIES))
        tolerance = rng.choice(_TOLERANCES) if process.category == "cnc_machining" else None
        required = tuple(rng.sample(self.catalogue.codes, k=rng.choice((0, 1, 1, 2))))
        preferred = tuple(
            c
            for c in rng.sample(self.catalogue.codes, k=rng.choice((0, 1, 2)))
            if c not in required
        )
        title = rng.choice(
            (
                "{} for sintered NdFeB magnets",
                "Requirement: {}",
                "RFQ - {}",
                "Looking for {}",
                "{} vendor needed",
            )
        ).format(first)
        description = (
            f"We need a supplier for {second} at our {place} plant. "
            f"Quantity about {quantity:,.0f} per month."
        )
        if tolerance:
            description += f" Tolerance +/-{tolerance:g} mm."
        if required:
            description += f" Must hold: {', '.join(required)}."
        return RequirementQuery(
            ref=f"R{number:05d}",
            title=title,
            description=description,
            category=process.category,
            required_certs=required,
            preferred_certs=preferred,
            quantity_per_month=quantity,
            tolerance_mm=tolerance,
            plant_lat=lat,
            plant_lon=lon,
            max_distance_km=rng.choice(_MAX_DISTANCES),
            needed_by=self.reference_date + timedelta(days=rng.randint(0, 360)),
        )

    def _open_requirement(self, rng: random.Random, number: int) -> RequirementQuery:
        """A requirement for a product outside the taxonomy, with no category."""
        place, lat, lon = rng.choice(PLACES)
        quantity = float(rng.choice(_QUANTITIES))
        return RequirementQuery(
            ref=f"R{number:05d}",
            title=_product(rng),
            description=rng.choice(
                ("", "Monthly requirement, delivery to plant.", f"Delivery to our {place} plant.")
            ),
            required_certs=tuple(rng.sample(self.catalogue.codes, k=rng.choice((0, 0, 1)))),
            quantity_per_month=quantity if rng.random() < 0.5 else None,
            plant_lat=lat,
            plant_lon=lon,
            max_distance_km=rng.choice(_MAX_DISTANCES),
            needed_by=self.reference_date + timedelta(days=rng.randint(0, 360)),
        )


def _product(rng: random.Random) -> str:
    """An open-vocabulary product name: "Nitrile rubber gaskets, heavy duty"."""
    words_used = [rng.choice(_MATERIALS) for _ in range(rng.choice((0, 1, 1, 2)))]
    text = " ".join([*words_used, rng.choice(_GOODS)])
    if rng.random() < 0.5:
        text += f", {rng.choice(_QUALIFIERS)}"
    return text.capitalize() if rng.random() < 0.5 else text


def _swap_letters(rng: random.Random, word: str) -> str:
    """The most common typing slip: two neighbouring letters swapped."""
    at = rng.randrange(1, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
