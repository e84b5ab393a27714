"""The dashboard's numbers as tables: the same rows feed the CSV downloads and the JSON API.

A table is a header and rows of plain values (numbers, dates, text);
``suppliermatch.csv_cells.to_csv`` writes one safely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from suppliermatch.certification.roadmap import volume_phrase
from suppliermatch.reports.dashboard import (
    EXPIRY_WINDOW,
    Dashboard,
    category_name,
    process_name,
)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple]


def _categories(d: Dashboard) -> Table:
    rows = [(c.key, c.label, c.count) for c in d.by_category]
    return Table("categories", "MSMEs by category", ("category", "name", "suppliers"), rows)


def _places(d: Dashboard) -> Table:
    rows = [(p.state, p.district, p.count) for p in d.by_place]
    return Table("places", "MSMEs by state and district", ("state", "district", "suppliers"), rows)


def _classes(d: Dashboard) -> Table:
    rows = [(c.key, c.count) for c in d.by_class]
    return Table("classes", "MSMEs by enterprise class", ("enterprise_class", "suppliers"), rows)


def _statuses(d: Dashboard) -> Table:
    rows = [(c.key, c.count) for c in d.by_status]
    return Table("statuses", "Requirements by status", ("status", "requirements"), rows)


def _coverage(d: Dashboard) -> Table:
    header = (
        "requirement_id",
        "title",
        "anchor",
        "category",
        "process",
        "quantity_per_month",
        "quantity_unit",
        "needed_by",
        "qualified_suppliers",
        "fewer_than_3_qualified",
        "one_certificate_away",
    )
    rows = [
        (
            c.requirement_id,
            c.title,
            c.anchor,
            category_name(c.category),
            process_name(c.process) if c.process else "",
            c.quantity_per_month,
            c.quantity_unit,
            c.needed_by.isoformat() if c.needed_by else "",
            c.qualified,
            "yes" if c.thin else "no",
            "; ".join(f"{code}: {n}" for code, n in sorted(c.one_away.items())),
        )
        for c in d.coverage
    ]
    return Table("coverage", "Open requirements and their qualified suppliers", header, rows)


def _supply(d: Dashboard) -> Table:
    header = (
        "category",
        "process",
        "unit",
        "open_demand_per_month",
        "qualified_capacity_per_month",
        "shortfall_per_month",
        "open_requirements",
        "qualified_suppliers",
        "capacity_also_stated_in",
    )
    rows = [
        (
            category_name(s.category),
            process_name(s.process) if s.process else "",
            s.unit,
            round(s.demand, 2),
            round(s.supply, 2),
            round(s.shortfall, 2) if s.comparable else "",
            s.requirements,
            len(s.suppliers),
            "; ".join(sorted(s.other_units)),
        )
        for s in d.supply
    ]
    return Table("supply", "Open demand against qualified capacity", header, rows)


def _unlocks(d: Dashboard) -> Table:
    header = (
        "certificate_code",
        "certificate",
        "requirements_opened",
        "unserved_requirements_opened",
        "suppliers_one_certificate_away",
        "monthly_demand",
    )
    rows = [
        (u.code, u.name, u.requirements, u.unserved, u.suppliers, volume_phrase(u.volume))
        for u in d.unlocks
    ]
    return Table("unlocks", "Certificates that would unlock the most demand", header, rows)


def _funnel(d: Dashboard) -> Table:
    header = ("track", "certificate", "in_scope", "planned_or_started", "certified", "verified")
    rows = []
    for f in d.funnels:
        rows.append((f.name, "(any step)", f.in_scope, f.planned, f.certified, f.verified))
        rows += [(f.name, s.name, s.in_scope, s.planned, s.certified, s.verified) for s in f.steps]
    return Table("funnel", "Readiness funnel by track", header, rows)


def _expiring(d: Dashboard) -> Table:
    header = (
        "supplier_id",
        "supplier",
        "certificate_code",
        "certificate",
        "expires_on",
        "days_left",
        "verified",
        "renewal_under_way",
    )
    rows = [
        (
            e.supplier_id,
            e.supplier_name,
            e.code,
            e.name,
            e.expires_on.isoformat(),
            e.days_left,
            "yes" if e.verified else "no",
            e.renewal_state.replace("_", " ") if e.renewal_state else "",
        )
        for e in d.expiring
    ]
    title = f"Certificates expiring within {EXPIRY_WINDOW.days} days"
    return Table("expiring", title, header, rows)


DASHBOARD_TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "categories": _categories,
    "places": _places,
    "classes": _classes,
    "statuses": _statuses,
    "coverage": _coverage,
    "supply": _supply,
    "unlocks": _unlocks,
    "funnel": _funnel,
    "expiring": _expiring,
}


def dashboard_table(dashboard: Dashboard, name: str) -> Table | None:
    build = DASHBOARD_TABLES.get(name)
    return build(dashboard) if build else None
