"""How long duplicate detection takes on a large synthetic supplier list, and how well it does.

    .venv/bin/python bench/dedup_speed.py --suppliers 100000

The generator makes suppliers the way cluster spreadsheets look: common names reused
by unrelated firms across and within districts, GSTIN or Udyam number sometimes
missing, free-mail addresses, a few consultants' phones shared by several firms; and
it plants re-registrations of some of them with the changes people make: typos,
another legal suffix, abbreviations, Sri/Shri/Shree, upper case, GSTIN dropped or
from another state, a new phone, another PIN code in the district. Prints the seconds
the detector took, the pairs it found, and precision/recall on the planted duplicates.
"""

import argparse
import itertools
import random
import resource
import string
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from suppliermatch.reference.identifiers import GST_STATE_CODES, gstin_check_character
from suppliermatch.suppliers.duplicates.detector import SupplierRecord, find_duplicates

# (state, GST code, Udyam letters, [(district, PIN prefixes)]) for the magnet clusters.
PLACES = [
    (
        "Odisha",
        "21",
        "OD",
        [
            ("Khordha", ["751", "752"]),
            ("Cuttack", ["753", "754"]),
            ("Ganjam", ["760", "761"]),
            ("Angul", ["759"]),
        ],
    ),
    (
        "Andhra Pradesh",
        "37",
        "AP",
        [
            ("Visakhapatnam", ["530", "531"]),
            ("Krishna", ["520", "521"]),
            ("Anantapur", ["515"]),
            ("Tirupati", ["517"]),
        ],
    ),
    (
        "Tamil Nadu",
        "33",
        "TN",
        [
            ("Chennai", ["600"]),
            ("Coimbatore", ["641"]),
            ("Krishnagiri", ["635"]),
            ("Kanchipuram", ["631", "603"]),
            ("Tiruchirappalli", ["620", "621"]),
        ],
    ),
    (
        "Karnataka",
        "29",
        "KR",
        [
            ("Bengaluru Urban", ["560", "562"]),
            ("Mysuru", ["570", "571"]),
            ("Belagavi", ["590", "591"]),
            ("Tumakuru", ["572"]),
        ],
    ),
    (
        "Gujarat",
        "24",
        "GJ",
        [
            ("Ahmedabad", ["380", "382"]),
            ("Rajkot", ["360"]),
            ("Vadodara", ["390", "391"]),
            ("Surat", ["394", "395"]),
            ("Bharuch", ["392", "393"]),
        ],
    ),
    ("Maharashtra", "27", "MH", [("Pune", ["411", "412"]), ("Aurangabad", ["431"])]),
    ("Haryana", "06", "HR", [("Gurugram", ["122"]), ("Faridabad", ["121"])]),
    ("Telangana", "36", "TS", [("Hyderabad", ["500"])]),
    ("Kerala", "32", "KL", [("Kollam", ["691"])]),
]
assert all(code in GST_STATE_CODES for _, code, _, _ in PLACES)

FIRST_WORDS = (
    "Sri Balaji",
    "Sri Venkateswara",
    "Sri Sai",
    "Om Sai",
    "Ganesh",
    "Lakshmi",
    "Mahalaxmi",
    "Durga",
    "Annapurna",
    "Vishwakarma",
    "Murugan",
    "Ayyappa",
    "Jagannath",
    "Kalinga",
    "Utkal",
    "Deccan",
    "Coromandel",
    "Saurashtra",
    "Narmada",
    "Kaveri",
    "Godavari",
    "Krishna",
    "Tapti",
    "Sahyadri",
    "Malabar",
    "Konark",
    "Bharat",
    "Hindustan",
    "National",
    "Precision",
    "Apex",
    "Vertex",
    "Prime",
    "Nova",
    "Trident",
    "Supreme",
    "Zenith",
    "Pioneer",
    "Galaxy",
    "Star",
    "Sun",
    "Surya",
    "Chandra",
    "Arihant",
    "Mahavir",
    "Jain",
    "Patel",
    "Shah",
    "Mehta",
    "Desai",
    "Joshi",
    "Kulkarni",
    "Deshpande",
    "Rao",
    "Reddy",
    "Naidu",
    "Iyer",
    "Iyengar",
    "Pillai",
    "Nair",
    "Menon",
    "Mishra",
    "Patnaik",
    "Mohanty",
    "Das",
    "Sahu",
    "Behera",
    "Agarwal",
    "Gupta",
    "Sharma",
    "Verma",
    "Singh",
    "Yadav",
    "Chauhan",
    "Rathod",
    "Solanki",
    "Jadeja",
    "Parmar",
    "Thakkar",
    "Modi",
    "Kapoor",
    "Malhotra",
    "Khanna",
    "Siddhi",
    "Riddhi",
    "Shakti",
    "Jay",
    "Vijay",
    "Ajay",
    "Amar",
    "Akash",
    "Om",
    "Shiva",
    "Ambika",
    "Bhavani",
    "Kamakshi",
    "Meenakshi",
    "Vinayaka",
    "Sanjeevani",
    "Tirumala",
    "Padmavati",
)
MIDDLE_WORDS = (
    "Precision",
    "Hi-Tech",
    "Metal",
    "Thermal",
    "Industrial",
    "Magnetic",
    "Alloys",
    "Steel",
    "Power",
    "Auto",
    "Tool",
    "Micro",
    "Electro",
    "Mechanical",
)
BUSINESS_WORDS = (
    "Engineering Works",
    "Engineering",
    "Engineers",
    "Industries",
    "Enterprises",
    "Tools",
    "Precision Works",
    "Components",
    "Fabricators",
    "Labs",
    "Metal Finishers",
    "Thermal Systems",
    "Automation",
    "Recyclers",
    "Process Equipment",
    "Technologies",
    "Udyog",
    "Services",
    "Electroplaters",
    "Heat Treaters",
    "Castings",
    "Forgings",
    "Machine Tools",
    "Instruments",
    "Controls",
    "Furnaces",
    "Coatings",
    "Packaging",
    "Logistics",
    "Gases",
    "Polymers",
    "Magnetics",
    "Calibration Services",
    "Testing Labs",
)
# (suffix as written, PAN holder type, weight)
LEGAL_SUFFIXES = (
    ("", "P", 30),
    ("Pvt Ltd", "C", 18),
    ("Private Limited", "C", 14),
    ("(P) Ltd", "C", 5),
    ("Pvt. Ltd.", "C", 5),
    ("LLP", "F", 10),
    ("& Co", "F", 10),
    ("& Sons", "F", 3),
    ("Limited", "C", 2),
    ("Industries Pvt Ltd", "C", 3),
)
COMPANY_SUFFIX_SPELLINGS = (
    "Pvt Ltd",
    "Private Limited",
    "(P) Ltd",
    "Pvt. Ltd.",
    "PVT LTD",
    "Private Ltd",
)
ABBREVIATIONS = {
    "Engineering": "Engg.",
    "Industries": "Inds",
    "Technologies": "Tech",
    "Enterprises": "Ent.",
    "Services": "Svcs",
    "Labs": "Laboratories",
    "Sri": "Shri",
    "Lakshmi": "Laxmi",
    "&": "and",
}
HONORIFICS = ("Sri", "Shri", "Shree", "Sree")
FREE_MAIL = ("gmail.com", "yahoo.co.in", "rediffmail.com", "yahoo.com", "outlook.com")


@dataclass
class Generated:
    records: list[SupplierRecord]
    entity_of: dict[str, int]  # record id -> enterprise it belongs to


def _pan(rng: random.Random, holder_type: str) -> str:
    letters = string.ascii_uppercase
    return (
        "".join(rng.choice(letters) for _ in range(3))
        + holder_type
        + rng.choice(letters)
        + "".join(rng.choice(string.digits) for _ in range(4))
        + rng.choice(letters)
    )


def _gstin(rng: random.Random, state_code: str, pan: str) -> str:
    body = state_code + pan + rng.choice("1112223") + "Z"
    return body + gstin_check_character(body)


def _mobile(rng: random.Random) -> str:
    return rng.choice("6789") + "".join(rng.choice(string.digits) for _ in range(9))


def _write_phone(rng: random.Random, digits: str) -> str:
    return rng.choice(
        (
            f"+91 {digits}",
            f"+91-{digits[:5]}-{digits[5:]}",
            digits,
            f"0{digits}",
            f"{digits[:5]} {digits[5:]}",
            f"91{digits}",
        )
    )


def _typo(rng: random.Random, text: str) -> str:
    positions = [i for i, c in enumerate(text) if c.isalpha()]
    if len(positions) < 4:
        return text
    i = rng.choice(positions[1:-1])
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _respell(rng: random.Random, name: str) -> str:
    """A name as someone else registering the same firm might write it."""
    words = name.split()
    changes = rng.sample(
        ("typo", "suffix", "abbreviate", "honorific", "case", "ms"), k=rng.choice((1, 1, 2))
    )
    for change in changes:
        if change == "typo":
            i = rng.randrange(len(words))
            words[i] = _typo(rng, words[i])
        elif change == "suffix":
            text = " ".join(words)
            for spelling in sorted(COMPANY_SUFFIX_SPELLINGS, key=len, reverse=True):
                if text.endswith(" " + spelling):
                    text = text[: -len(spelling)] + rng.choice(COMPANY_SUFFIX_SPELLINGS)
                    break
            words = text.split()
        elif change == "abbreviate":
            words = [ABBREVIATIONS.get(w, w) for w in words]
        elif change == "honorific" and words[0] in HONORIFICS:
            words[0] = rng.choice(HONORIFICS)
        elif change == "case":
            words = [w.upper() for w in words]
        elif change == "ms":
            words = ["M/s.", *words]
    return " ".join(words)


def generate(count: int, *, duplicate_share: float = 0.05, seed: int = 7) -> Generated:
    rng = random.Random(seed)
    suffix_weights = [w for _, _, w in LEGAL_SUFFIXES]
    consultant_phones = [_mobile(rng) for _ in range(max(1, count // 400))]
    domains_taken: set[str] = set()
    records: list[SupplierRecord] = []
    entity_of: dict[str, int] = {}
    originals: list[tuple[SupplierRecord, str, str, list[str]]] = []

    enterprises = int(count / (1 + duplicate_share))
    for entity in range(enterprises):
        state, gst_code, udyam_code, districts = rng.choice(PLACES)
        district_number = rng.randrange(len(districts))
        district, prefixes = districts[district_number]
        pincode = rng.choice(prefixes) + f"{rng.randrange(1, 100):03d}"
        middle = rng.choice(MIDDLE_WORDS) + " " if rng.random() < 0.25 else ""
        trade_name = f"{rng.choice(FIRST_WORDS)} {middle}{rng.choice(BUSINESS_WORDS)}"
        suffix, holder_type, _ = rng.choices(LEGAL_SUFFIXES, weights=suffix_weights)[0]
        name = f"{trade_name} {suffix}".strip()
        pan = _pan(rng, holder_type)
        phone = rng.choice(consultant_phones) if rng.random() < 0.01 else _mobile(rng)
        if rng.random() < 0.6:
            domain = rng.choice(FREE_MAIL)
            email = f"{trade_name.split()[0].lower()}{rng.randrange(10, 9999)}@{domain}"
        else:
            # A domain belongs to one firm: a namesake registers another spelling.
            stem = "".join(c for c in trade_name.lower() if c.isalpha())[:20]
            domain = f"{stem}.in"
            while domain in domains_taken:
                # About 3,400 trade names: past ~350,000 firms a two-digit number runs out.
                suffix = rng.choice(("ind", "group", "co", str(rng.randrange(10**6))))
                domain = f"{stem}{suffix}.in"
            domains_taken.add(domain)
            email = f"{rng.choice(('info', 'sales', 'contact', 'accounts'))}@{domain}"
        record = SupplierRecord(
            id=f"S{len(records):07d}",
            name=name,
            gstin=_gstin(rng, gst_code, pan) if rng.random() < 0.9 else None,
            udyam=(
                f"UDYAM-{udyam_code}-{district_number + 1:02d}-{rng.randrange(10**7):07d}"
                if rng.random() < 0.95
                else None
            ),
            pincode=pincode,
            district=district,
            state=state,
            email=email,
            phone=_write_phone(rng, phone) if rng.random() < 0.98 else None,
        )
        records.append(record)
        entity_of[record.id] = entity
        originals.append((record, pan, phone, prefixes))

    while len(records) < count:
        original, pan, phone, prefixes = rng.choice(originals)
        gstin = original.gstin
        roll = rng.random()
        if roll < 0.4:
            gstin = None
        elif roll < 0.45 and gstin:
            other_state = rng.choice([p for p in PLACES if p[1] != gstin[:2]])
            gstin = _gstin(rng, other_state[1], pan)
        udyam = original.udyam
        roll = rng.random()
        if roll < 0.15:
            udyam = None
        elif roll < 0.2 and udyam:  # one digit of the serial mistyped
            i = rng.randrange(len(udyam) - 7, len(udyam))
            udyam = udyam[:i] + rng.choice(string.digits.replace(udyam[i], "")) + udyam[i + 1 :]
        roll = rng.random()
        new_phone = phone if roll < 0.7 else (_mobile(rng) if roll < 0.9 else None)
        local, _, domain = (original.email or "x@gmail.com").partition("@")
        email = rng.choice(
            (original.email, f"office@{domain}", f"{local}1@{rng.choice(FREE_MAIL)}")
        )
        pincode = original.pincode
        if rng.random() < 0.2:
            pincode = rng.choice(prefixes) + f"{rng.randrange(1, 100):03d}"
        record = SupplierRecord(
            id=f"S{len(records):07d}",
            name=_respell(rng, original.name),
            gstin=gstin,
            udyam=udyam,
            pincode=pincode,
            district=original.district,
            state=original.state,
            email=email,
            phone=_write_phone(rng, new_phone) if new_phone else None,
        )
        records.append(record)
        entity_of[record.id] = entity_of[original.id]
    rng.shuffle(records)
    return Generated(records=records, entity_of=entity_of)


def planted_pairs(generated: Generated) -> set[frozenset[str]]:
    members: dict[int, list[str]] = defaultdict(list)
    for record_id, entity in generated.entity_of.items():
        members[entity].append(record_id)
    return {frozenset(pair) for ids in members.values() for pair in itertools.combinations(ids, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    generated = generate(args.suppliers, seed=args.seed)
    truth = planted_pairs(generated)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    found = find_duplicates(generated.records)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    likely = {frozenset((p.first_id, p.second_id)) for p in found if p.likely}
    hits = truth & likely
    precision = len(hits) / len(likely) if likely else 0.0
    recall = len(hits) / len(truth) if truth else 0.0
    print(f"suppliers {len(generated.records)}  planted pairs {len(truth)}")
    print(
        f"seconds {seconds:.2f} (CPU {cpu_seconds:.2f})  peak RSS {peak_mib:.0f} MiB "
        f"(before the scan {rss_before / 1024:.0f} MiB)"
    )
    print(f"pairs found {len(found)} (review score and up), likely duplicates {len(likely)}")
    print(f"precision {precision:.3f}  recall {recall:.3f} on the planted duplicates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
