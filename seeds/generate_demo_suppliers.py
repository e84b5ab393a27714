"""Writes seeds/demo/suppliers.json: about 150 made-up MSMEs across the five demo clusters.

Deterministic (a fixed random seed and a fixed reference date), so the file only changes
when this script does. Run it after changing it and commit both:

    .venv/bin/python seeds/generate_demo_suppliers.py

Every enterprise is invented. What is realistic: names in the style of each region,
GSTINs with the right state code and a valid check character, Udyam numbers with the
right state letters, real PIN codes of each cluster's district (India Post directory),
capabilities across the whole taxonomy with the parameters buyers filter on, equipment
of the usual makes, and certificates in every state (certified, expired, applied, audit
scheduled, suspended). A few enterprises appear twice, spelt differently and without
a GSTIN, as happens when a spreadsheet import meets a sign-up: the duplicate review
has something to find. About twenty have an MSME login, four per cluster.
"""

import json
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "platform"))

from suppliermatch.reference.identifiers import gstin_check_character  # noqa: E402

SEED = 20260115
# Certificate dates are spread around this day, so the data does not age with the clock.
REFERENCE_DATE = date(2026, 1, 15)
SUPPLIERS_PER_CLUSTER = 29
LOGINS_PER_CLUSTER = 4
OUTPUT = HERE / "demo" / "suppliers.json"

# cluster slug -> where it is and how its enterprises are named.
CLUSTERS = {
    "ganjam": {
        "code": "GJM",
        "state": "Odisha",
        "gst": "21",
        "udyam": "OD",
        "udyam_district": "19",
        # (PIN code, locality, district as written): delivery offices of Ganjam district.
        "places": [
            ("760001", "Berhampur", "Ganjam"),
            ("760003", "Gosaninuagam, Berhampur", "Ganjam"),
            ("760008", "Lanjipalli, Berhampur", "Ganjam"),
            ("760010", "Engineering School Road, Berhampur", "Ganjam"),
            ("761020", "Chatrapur", "Ganjam"),
            ("761019", "Pratapur", "Ganjam"),
            ("761025", "Jayashree", "Ganjam"),
            ("761008", "Golanthara", "Ganjam"),
            ("761052", "Golabandha", "Ganjam"),
            ("761054", "Ballipada", "Ganjam"),
        ],
        "estates": [
            "Chatrapur Industrial Estate",
            "Berhampur Industrial Estate",
            "Gopalpur Port Road",
            "Ganjam IDCO Industrial Park",
        ],
        "prefixes": [
            "Kalinga",
            "Utkal",
            "Jagannath",
            "Konark",
            "Mahanadi",
            "Chilika",
            "Tara Tarini",
            "Gopalpur",
            "Rushikulya",
            "Shree Maa",
            "Biswakarma",
            "Samaleswari",
            "Gangadevi",
            "Odisha",
        ],
        "people": [
            "Bikash Sahu",
            "Sunil Patnaik",
            "Rashmita Panda",
            "Debasis Mohapatra",
            "Pradeep Behera",
            "Sasmita Nayak",
            "Ranjan Das",
            "Manoj Swain",
        ],
    },
    "krishnagiri": {
        "code": "KGI",
        "state": "Tamil Nadu",
        "gst": "33",
        "udyam": "TN",
        "udyam_district": "34",
        "places": [
            ("635001", "Krishnagiri", "Krishnagiri"),
            ("635002", "Krishnagiri Industrial Estate", "Krishnagiri"),
            ("635109", "Hosur", "Krishnagiri"),
            ("635126", "Hosur Industrial Complex", "Krishnagiri"),
            ("635106", "Chaparthi", "Krishnagiri"),
            ("635108", "Elathagiri", "Krishnagiri"),
            ("635124", "Belathur", "Krishnagiri"),
            ("635104", "Kondappanayanapalli", "Krishnagiri"),
        ],
        "estates": [
            "SIPCOT Phase I, Hosur",
            "SIPCOT Phase II, Hosur",
            "Krishnagiri Industrial Estate",
            "Shoolagiri Industrial Area",
        ],
        "prefixes": [
            "Kaveri",
            "Hosur",
            "Sri Murugan",
            "Thenpennai",
            "Annai",
            "Palani",
            "Sri Vel",
            "Arulmigu",
            "Kongu",
            "Tamilan",
            "Sakthi",
            "Bharathi",
            "Sri Balaji",
            "Vetri",
        ],
        "people": [
            "R. Senthil Kumar",
            "K. Lakshmi",
            "M. Arumugam",
            "S. Kavitha",
            "P. Ramesh",
            "V. Saravanan",
            "G. Revathi",
            "A. Karthik",
        ],
    },
    "tumakuru": {
        "code": "TMK",
        "state": "Karnataka",
        "gst": "29",
        "udyam": "KR",
        "udyam_district": "28",
        "places": [
            ("572101", "Tumakuru", "Tumakuru"),
            ("572106", "Dibbur", "Tumakuru"),
            ("572107", "MC Campus, Tumakuru", "Tumakuru"),
            ("572105", "Maralur", "Tumakuru"),
            ("572128", "Kora", "Tumakuru"),
            ("572168", "Hirehalli", "Tumakuru"),
            ("572134", "Nagasandra", "Tumakuru"),
            ("572118", "Gulur", "Tumakuru"),
        ],
        "estates": [
            "Vasanthanarasapura Industrial Area",
            "Antharasanahalli Industrial Area",
            "Hirehalli Industrial Area",
            "Sathyamangala Industrial Area",
        ],
        "prefixes": [
            "Tunga",
            "Siddaganga",
            "Devarayana",
            "Shivaganga",
            "Kalpataru",
            "Sri Gurukrupa",
            "Chamundi",
            "Hemavathi",
            "Kanaka",
            "Sri Renuka",
            "Malnad",
            "Nandi",
            "Vijaya",
            "Karunadu",
        ],
        "people": [
            "Manjunath Gowda",
            "Shwetha R",
            "Praveen Hegde",
            "Nagaraj S",
            "Deepa Kulkarni",
            "Ravi Kumar B",
            "Suresh Shetty",
            "Anitha M",
        ],
    },
    "sanand": {
        "code": "SND",
        "state": "Gujarat",
        "gst": "24",
        "udyam": "GJ",
        "udyam_district": "01",
        "places": [
            ("382110", "Sanand", "Ahmedabad"),
            ("382213", "Changodar", "Ahmedabad"),
            ("382220", "Bavla", "Ahmedabad"),
            ("382210", "Telav", "Ahmedabad"),
            ("382170", "Vasna Iyava", "Ahmedabad"),
            ("380023", "Rakhial Udyog Vistar", "Ahmedabad"),
            ("380024", "Bapunagar Industrial Estate", "Ahmedabad"),
            ("382115", "Godhavi", "Ahmedabad"),
        ],
        "estates": [
            "Sanand GIDC II",
            "Changodar Industrial Estate",
            "Bol GIDC",
            "Naroda GIDC",
            "Odhav GIDC",
        ],
        "prefixes": [
            "Sabarmati",
            "Shreeji",
            "Ambica",
            "Umiya",
            "Khodiyar",
            "Narmada",
            "Siddhivinayak",
            "Jalaram",
            "Mahavir",
            "Sardar",
            "Gokul",
            "Bhagwati",
            "Rajhans",
            "Vishwakarma",
        ],
        "people": [
            "Nirav Shah",
            "Hetal Patel",
            "Jignesh Mehta",
            "Kinjal Desai",
            "Bhavesh Panchal",
            "Rupal Trivedi",
            "Chirag Solanki",
            "Mitesh Joshi",
        ],
    },
    "visakhapatnam": {
        "code": "VSP",
        "state": "Andhra Pradesh",
        "gst": "37",
        "udyam": "AP",
        "udyam_district": "13",
        "places": [
            ("530007", "Industrial Estate, Visakhapatnam", "Visakhapatnam"),
            ("530012", "Mindi", "Visakhapatnam"),
            ("530026", "Gajuwaka", "Visakhapatnam"),
            ("530046", "Vadlapudi", "Visakhapatnam"),
            ("530031", "Steel Plant Area", "Visakhapatnam"),
            ("530053", "Aganampudi", "Visakhapatnam"),
            ("530055", "Duvvada", "Visakhapatnam"),
            ("531001", "Anakapalli", "Anakapalli"),
            ("531021", "Kalapaka", "Anakapalli"),
        ],
        "estates": [
            "Autonagar",
            "APIIC Industrial Park, Atchutapuram",
            "Duvvada Industrial Area",
            "Parawada Industrial Area",
        ],
        "prefixes": [
            "Simhadri",
            "Vizag",
            "Godavari",
            "Sri Venkateswara",
            "Kanaka Durga",
            "Dolphin",
            "Rushikonda",
            "Eastern",
            "Sri Sai",
            "Andhra",
            "Visakha",
            "Kailasa",
            "Sri Lakshmi",
            "Coromandel",
        ],
        "people": [
            "K. Srinivas Rao",
            "P. Lakshmi Prasanna",
            "V. Ravi Teja",
            "M. Sridevi",
            "Ch. Venkata Ramana",
            "B. Naga Babu",
            "G. Padmaja",
            "Y. Suresh",
        ],
    },
}

# category -> trade words for the name, capability phrases, machines (make), capacity unit.
CATEGORY_STYLE = {
    "furnace_parts": {
        "trade": ["Graphite Products", "Thermal Products", "Furnace Services", "Refractories"],
        "phrases": {
            "graphite_fixtures": "graphite boats, trays and fixtures for sintering furnaces",
            "heating_elements": "molybdenum and graphite heating elements, made to drawing",
            "furnace_hot_zone": "vacuum furnace hot zone rebuilds with graphite felt insulation",
            "thermocouples": "type K, S and B thermocouples with calibration certificates",
            "vacuum_pumps": "rotary vane and roots vacuum pump overhaul and servicing",
        },
        "machines": [
            ("CNC graphite machining centre", "Jyoti CNC"),
            ("Vacuum furnace", "Hind High Vacuum"),
            ("Band saw", "Indo-German"),
            ("Thermocouple calibrator", "Fluke"),
        ],
        "unit": "pieces",
        "capacity": (200, 5000),
    },
    "cnc_machining": {
        "trade": [
            "Precision Engineering",
            "Engineering Works",
            "Tool Room",
            "Precision Components",
        ],
        "phrases": {
            "cnc_machining": "CNC turning and VMC milling of fixtures and tooling",
            "grinding": "surface and double disc grinding of magnet blocks",
            "wire_edm": "wire EDM slicing of NdFeB blocks and non-magnetic dies",
            "slicing": "multi-wire saw slicing of sintered magnet blocks",
            "press_dies": "non-magnetic die and punch making for pressing in a field",
        },
        "machines": [
            ("CNC turning centre", "Ace Micromatic"),
            ("Vertical machining centre", "BFW"),
            ("Wire EDM", "Electronica"),
            ("Surface grinder", "HMT"),
            ("Double disc grinder", "Micromatic Grinding"),
            ("CMM", "Zeiss"),
        ],
        "unit": "pieces",
        "capacity": (1000, 40000),
    },
    "heat_treatment": {
        "trade": ["Heat Treaters", "Thermal Treatments", "Vacuum Processing"],
        "phrases": {
            "vacuum_heat_treatment": "vacuum annealing and ageing of sintered magnets",
            "grain_boundary_diffusion": "grain boundary diffusion trials with Dy and Tb",
            "hydrogen_decrepitation": "hydrogen decrepitation of strip-cast flakes",
            "atmosphere_heat_treatment": "stress relieving in nitrogen and argon atmospheres",
        },
        "machines": [
            ("Vacuum furnace", "Seco/Warwick"),
            ("Sealed quench furnace", "Aichelin"),
            ("Temperature uniformity survey kit", "Yokogawa"),
        ],
        "unit": "kg",
        "capacity": (2000, 30000),
    },
    "coatings": {
        "trade": ["Surface Coatings", "Electroplaters", "Metal Finishers"],
        "phrases": {
            "nicuni_plating": "NiCuNi barrel and rack plating, 10-20 micron, salt spray 72 h",
            "zinc_plating": "zinc plating with trivalent passivation",
            "epoxy_coating": "epoxy and cathodic e-coating of magnets",
            "parylene_coating": "parylene C conformal coating",
            "phosphating": "zinc phosphating before painting",
            "passivation": "passivation of stainless steel parts",
            "aluminium_ivd": "aluminium IVD coating for aerospace magnets",
        },
        "machines": [
            ("Barrel plating line", "Sharda Electroplating"),
            ("Salt spray chamber", "Ascott"),
            ("Coating thickness gauge", "Fischer"),
            ("Effluent treatment plant", "Thermax"),
        ],
        "unit": "kg",
        "capacity": (1000, 25000),
    },
    "testing": {
        "trade": ["Testing Laboratory", "Metrology Labs", "Calibration Services"],
        "phrases": {
            "magnetic_property_testing": "B-H loop testing on a hysteresisgraph: Br, Hcj, (BH)max",
            "flux_field_testing": "Helmholtz coil flux and gaussmeter field mapping",
            "dimensional_inspection": "CMM and vision measurement, first article inspection",
            "chemical_analysis": "ICP-OES rare-earth content and O/N/C analysis",
            "corrosion_testing": "neutral salt spray ISO 9227 and HAST testing",
            "calibration": "NABL-traceable calibration of gauges and thermocouples",
        },
        "machines": [
            ("Hysteresisgraph", "Magnet-Physik"),
            ("CMM", "Zeiss"),
            ("ICP-OES", "Thermo Fisher"),
            ("Salt spray chamber", "Ascott"),
            ("Gaussmeter", "Lake Shore"),
        ],
        "unit": "tests",
        "capacity": (100, 3000),
    },
    "recycling": {
        "trade": ["Recyclers", "Metal Recovery", "E-Waste Solutions"],
        "phrases": {
            "magnet_scrap_collection": "magnet scrap, swarf and sludge collection",
            "hydrometallurgical_recovery": "rare earth leaching and solvent extraction from scrap",
            "ewaste_dismantling": "hard disk and motor dismantling for magnets",
            "magnet_scrap_hydrogen_processing": "hydrogen processing of magnet scrap",
        },
        "machines": [
            ("Shredder", "Kinshofer"),
            ("Leaching reactor", "GMM Pfaudler"),
            ("Hydrogen processing vessel", "in-house"),
        ],
        "unit": "kg",
        "capacity": (5000, 60000),
    },
    "upstream": {
        "trade": ["Advanced Materials", "Powder Technologies", "Rare Earths"],
        "phrases": {
            "strip_casting": "strip casting support and flake handling",
            "jet_milling": "jet milling under nitrogen to 3-5 micron",
            "metal_reduction": "molten salt electrolysis pilot for NdPr metal",
            "oxide_separation": "solvent extraction separation of rare earth oxides",
        },
        "machines": [
            ("Fluidised bed jet mill", "Hosokawa"),
            ("Glove box", "MBraun"),
            ("Particle size analyser", "Malvern"),
        ],
        "unit": "kg",
        "capacity": (500, 10000),
    },
    "magnet_support": {
        "trade": ["Magnetics", "Magnet Systems", "Electro Magnetics"],
        "phrases": {
            "field_pressing": "transverse and axial pressing in a field",
            "magnetisation": "pulse magnetisers and magnetising fixtures",
            "rotor_assembly": "rotor magnet bonding and potting",
        },
        "machines": [
            ("Pulse magnetiser", "Laboratorio Elettrofisico"),
            ("Hydraulic press", "Kirloskar"),
            ("Dispensing robot", "Nordson"),
        ],
        "unit": "pieces",
        "capacity": (500, 20000),
    },
    "packaging": {
        "trade": ["Packaging Solutions", "Packers", "Pack Systems"],
        "phrases": {
            "magnetic_shielding_packaging": "shielded packaging for air freight of magnets",
            "vci_packaging": "VCI anti-corrosion bags and steel-lined cartons",
        },
        "machines": [("Corrugation line", "Natraj"), ("Vacuum packing machine", "Sevana")],
        "unit": "boxes",
        "capacity": (2000, 50000),
    },
    "services": {
        "trade": ["Industrial Services", "Gases", "Automation", "Enviro Engineers"],
        "phrases": {
            "industrial_gases": "argon, nitrogen and hydrogen supply in cylinders and bulk",
            "effluent_treatment": "effluent treatment plant operation and ZLD upgrades",
            "electrical_automation": "PLC panels and furnace automation retrofits",
            "technical_training": "operator training in furnace safety and 5S",
        },
        "machines": [("Cylinder filling station", "Inox"), ("PLC test bench", "Siemens")],
        "unit": "jobs",
        "capacity": (20, 500),
    },
}
# Which categories a supplier of a primary category often also offers.
SECONDARY = {
    "furnace_parts": ["services", "cnc_machining"],
    "cnc_machining": ["testing", "magnet_support"],
    "heat_treatment": ["testing", "furnace_parts"],
    "coatings": ["testing", "packaging"],
    "testing": ["cnc_machining", "heat_treatment"],
    "recycling": ["upstream", "services"],
    "upstream": ["recycling", "testing"],
    "magnet_support": ["cnc_machining", "packaging"],
    "packaging": ["services"],
    "services": ["furnace_parts"],
}
# Legal forms: suffix, PAN holder type (4th PAN letter).
LEGAL_FORMS = [
    ("Pvt Ltd", "C"),
    ("Private Limited", "C"),
    ("LLP", "E"),
    ("& Co", "F"),
    ("", "F"),
    ("", "P"),
]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MATERIALS = {
    "cnc_machining": ["NdFeB", "SS304", "Tool steel D2", "Non-magnetic SS316"],
    "coatings": ["NdFeB", "Mild steel"],
    "furnace_parts": ["Graphite", "Molybdenum", "CFC"],
}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def gstin(rng: random.Random, state_code: str, name: str, holder: str, taken: set) -> str:
    while True:
        pan = (
            "".join(rng.choice(LETTERS) for _ in range(3))
            + holder
            + (name[0].upper() if name[0].isalpha() else "X")
            + f"{rng.randint(0, 9999):04d}"
            + rng.choice(LETTERS)
        )
        first14 = f"{state_code}{pan}1Z"
        number = first14 + gstin_check_character(first14)
        if number not in taken:
            taken.add(number)
            return number


def certificates(rng: random.Random, categories: list[str]) -> list[dict]:
    """A plausible set of certificates, in every state the catalogue knows."""
    found = []

    def add(code: str, weights=(70, 10, 8, 8, 4)):
        state = rng.choices(
            ["certified", "expired", "applied", "audit_scheduled", "suspended"], weights
        )[0]
        if state == "certified":
            expires = REFERENCE_DATE + timedelta(days=rng.randint(30, 1100))
        elif state == "expired":
            expires = REFERENCE_DATE - timedelta(days=rng.randint(10, 400))
        elif state == "suspended":
            expires = REFERENCE_DATE + timedelta(days=rng.randint(60, 700))
        else:
            expires = None
        found.append(
            {
                "code": code,
                "state": state,
                "expires_on": expires.isoformat() if expires else None,
                "certificate_number": f"{code[:3]}-{rng.randint(10000, 99999)}"
                if state in ("certified", "expired", "suspended")
                else None,
            }
        )

    if rng.random() < 0.75:
        add("ISO9001")
    if rng.random() < 0.45:
        add(rng.choice(["ZED_BRONZE", "ZED_BRONZE", "ZED_SILVER", "ZED_GOLD"]))
    primary = categories[0]
    if primary == "testing":
        add("NABL17025", (80, 5, 10, 5, 0))
    if primary in ("coatings", "recycling", "services"):
        add("PCB_CTO", (80, 10, 10, 0, 0))
        if rng.random() < 0.5:
            add("ISO14001")
    if primary == "recycling":
        add("EWASTE_AUTH", (70, 10, 20, 0, 0))
    if primary in ("cnc_machining", "magnet_support") and rng.random() < 0.35:
        add("IATF16949")
    if primary in ("heat_treatment", "coatings") and rng.random() < 0.2:
        add("NADCAP_HT" if primary == "heat_treatment" else "NADCAP_CP")
    if primary in ("cnc_machining", "heat_treatment") and rng.random() < 0.15:
        add("AS9100")
    if primary in ("furnace_parts", "heat_treatment") and rng.random() < 0.3:
        add("ISO50001")
    if rng.random() < 0.2:
        add("ISO45001")
    return found


def capabilities(rng: random.Random, categories: list[str]) -> list[dict]:
    found = []
    for position, category in enumerate(categories):
        style = CATEGORY_STYLE[category]
        processes = list(style["phrases"])
        chosen = rng.sample(processes, k=min(len(processes), 2 if position == 0 else 1))
        for process in chosen:
            low, high = style["capacity"]
            capacity = round(rng.randint(low, high), -1 if high < 1000 else -2)
            entry = {
                "category": category,
                "process": process,
                "description": style["phrases"][process],
                "capacity_per_month": capacity,
                "capacity_unit": style["unit"],
                "materials": rng.sample(
                    MATERIALS.get(category, []), k=min(2, len(MATERIALS.get(category, [])))
                ),
            }
            if category == "cnc_machining":
                entry["best_tolerance_mm"] = rng.choice([0.002, 0.005, 0.01, 0.02, 0.05])
                entry["max_part_size_mm"] = rng.choice([150, 300, 500, 800])
            found.append(entry)
    return found


def equipment(rng: random.Random, categories: list[str]) -> list[dict]:
    machines = [m for c in categories for m in CATEGORY_STYLE[c]["machines"]]
    chosen = rng.sample(machines, k=min(len(machines), rng.randint(1, 4)))
    return [
        {"machine": machine, "make": make, "count": rng.randint(1, 6)} for machine, make in chosen
    ]


def money(rng: random.Random) -> tuple[int, int]:
    """Investment and turnover in rupees: mostly micro and small, a few medium."""
    band = rng.choices(["micro", "small", "medium"], [55, 35, 10])[0]
    lakh = 100_000
    investment = {"micro": (15, 240), "small": (260, 2400), "medium": (2600, 11000)}[band]
    investment_inr = rng.randint(*investment) * lakh
    turnover_inr = int(investment_inr * rng.uniform(1.5, 3.8)) // lakh * lakh
    return investment_inr, turnover_inr


def enterprise(rng, slug, number, cluster, taken_names, taken_gstins) -> dict:
    primary = rng.choice(sorted(CATEGORY_STYLE))
    categories = [primary]
    if rng.random() < 0.55:
        categories.append(rng.choice(SECONDARY[primary]))
    style = CATEGORY_STYLE[primary]
    while True:
        suffix, holder = rng.choice(LEGAL_FORMS)
        # Unique without the legal form too: two firms never share a name or a domain.
        base = f"{rng.choice(cluster['prefixes'])} {rng.choice(style['trade'])}"
        if base not in taken_names:
            taken_names.add(base)
            name = f"{base} {suffix}".strip()
            break
    pincode, locality, district = rng.choice(cluster["places"])
    investment, turnover = money(rng)
    domain = slugify(name.removesuffix(suffix)) + ".demo.in"
    serial = rng.randint(1_000_000, 9_999_999)
    return {
        "external_ref": f"DEMO-{cluster['code']}-{number:03d}",
        "cluster": slug,
        "legal_name": name,
        "trade_name": None,
        "gstin": gstin(rng, cluster["gst"], name, holder, taken_gstins),
        "udyam_number": f"UDYAM-{cluster['udyam']}-{cluster['udyam_district']}-{serial}",
        "investment_inr": investment,
        "turnover_inr": turnover,
        "year_established": rng.randint(1978, 2023),
        "employees": rng.randint(8, 450),
        "contact_name": rng.choice(cluster["people"]),
        "email": f"sales@{domain}",
        "phone": f"+91 9{rng.randint(100000000, 999999999)}",
        "address": f"Plot {rng.randint(1, 240)}, {rng.choice(cluster['estates'])}, {locality}",
        "pincode": pincode,
        "district": district,
        "state": cluster["state"],
        "about": f"{name} serves magnet and motor makers from {locality}. "
        + "; ".join(
            style["phrases"][p] for p in rng.sample(list(style["phrases"]), k=1)
        ).capitalize()
        + ".",
        "categories": categories,
        "capabilities": capabilities(rng, categories),
        "equipment": equipment(rng, categories),
        "certificates": certificates(rng, categories),
        "login": None,
    }


def second_registration(rng: random.Random, original: dict, number: int, code: str) -> dict:
    """The same enterprise again, as a sign-up or another sheet writes it."""
    name = (
        original["legal_name"]
        .replace("Shree ", "Sri ")
        .replace("Pvt Ltd", "Private Limited")
        .replace("Engineering", "Engg.")
        .replace("Industries", "Inds")
    )
    if name == original["legal_name"]:
        name = name.upper()
    return {
        **original,
        "external_ref": f"DEMO-{code}-{number:03d}",
        "legal_name": name,
        "gstin": None,
        "udyam_number": None,
        "email": original["email"].replace("sales@", "owner@"),
        "investment_inr": None,
        "turnover_inr": None,
        "capabilities": original["capabilities"][:1],
        "equipment": [],
        "certificates": [],
        "login": None,
    }


def generate() -> list[dict]:
    rng = random.Random(SEED)
    taken_names: set[str] = set()
    taken_gstins: set[str] = set()
    records = []
    for slug, cluster in CLUSTERS.items():
        mine = [
            enterprise(rng, slug, number, cluster, taken_names, taken_gstins)
            for number in range(1, SUPPLIERS_PER_CLUSTER + 1)
        ]
        for record in rng.sample(mine, k=LOGINS_PER_CLUSTER):
            domain = record["email"].split("@", 1)[1]
            record["login"] = {"email": f"owner@{domain}", "name": record["contact_name"]}
        twin_of = rng.choice([r for r in mine if r["login"] is None])
        mine.append(second_registration(rng, twin_of, SUPPLIERS_PER_CLUSTER + 1, cluster["code"]))
        records.extend(mine)
    return records


def main() -> None:
    records = generate()
    OUTPUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    logins = sum(1 for r in records if r["login"])
    print(f"wrote {len(records)} suppliers ({logins} with logins) to {OUTPUT}")


if __name__ == "__main__":
    main()
