"""How many generated cases the fuzz test ran, per role: printed when the session ends."""

from collections import Counter

FUZZ_CASES: Counter = Counter()


def summary_line() -> str | None:
    total = sum(FUZZ_CASES.values())
    if not total:
        return None
    per_role = ", ".join(f"{role} {count}" for role, count in sorted(FUZZ_CASES.items()))
    return f"schemathesis: {total} generated cases run against the API ({per_role})"
