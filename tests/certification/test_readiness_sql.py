"""Readiness counted in SQL (``readiness_sql``) agrees with ``readiness.assess``, the one
definition, on the same suppliers: every band, the average and every funnel figure.

The suppliers are drawn at random (fixed seed) over every case ``assess`` distinguishes:
declared and capability categories, planned, pipeline, held, lapsed, rejected, verified
records, ladder levels (ZED Gold for Silver), renewal chains and ties of expiry dates.
"""

import random
from datetime import timedelta

from sqlmodel import select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.readiness import (
    StepStatus,
    assess,
    default_tracks,
    records_by_supplier,
    supplier_categories,
)
from suppliermatch.certification.readiness_sql import funnel_counts, levels_summary
from suppliermatch.certification.views import LEVEL_BANDS
from suppliermatch.suppliers.models import Supplier
from tests import factories
from tests.certification.builders import TODAY

CATEGORIES = ["coatings", "testing", "cnc_machining", "heat_treatment", "recycling", "packaging"]
CODES = [
    "ZED_BRONZE",
    "ZED_SILVER",
    "ZED_GOLD",
    "ISO9001",
    "IATF16949",
    "AS9100",
    "NADCAP_HT",
    "NADCAP_CP",
    "NABL17025",
    "PCB_CTO",
    "ISO14001",
]
STATES = [
    "planned",
    "in_preparation",
    "applied",
    "audit_scheduled",
    "certified",
    "certified",
    "expired",
    "suspended",
    "withdrawn",
]


def _random_world(session, cluster, *, seed=25, suppliers=60):
    rng = random.Random(seed)
    expiries = [None, TODAY - timedelta(days=5), TODAY, TODAY + timedelta(days=40)]
    expiries += [TODAY + timedelta(days=400)] * 2
    for _ in range(suppliers):
        supplier = factories.make_supplier(
            session,
            cluster=cluster,
            categories=rng.sample(CATEGORIES, rng.randint(0, 2)),
            capabilities=[{"category": c} for c in rng.sample(CATEGORIES, rng.randint(0, 2))],
        )
        records = []
        for _ in range(rng.randint(0, 5)):
            record = SupplierCertificate(
                supplier_id=supplier.id,
                code=rng.choice(CODES),
                state=rng.choice(STATES),
                expires_on=rng.choice(expiries),
                verification=rng.choice(["unverified", "verified", "rejected"]),
            )
            if records and rng.random() < 0.2:
                record.renews_id = rng.choice(records).id
            session.add(record)
            session.flush()
            records.append(record)
    session.flush()


def _python_figures(session, cluster):
    ids = list(
        session.exec(
            select(Supplier.id).where(
                Supplier.cluster_id == cluster.id, Supplier.merged_into_id.is_(None)
            )
        )
    )
    categories = supplier_categories(session, ids)
    records = records_by_supplier(session, ids)
    readiness = [assess(i, categories[i], records[i], today=TODAY) for i in ids]
    levels = [r.level for r in readiness]
    bands = [(label, sum(low <= v < high for v in levels)) for label, low, high in LEVEL_BANDS]
    funnels = {}
    for r in readiness:
        for progress in r.tracks:
            counts = funnels.setdefault(progress.slug, {"track": [0, 0, 0, 0], "steps": {}})
            held = [s for s in progress.steps if s.status == StepStatus.DONE]
            started = held or [s for s in progress.steps if s.status == StepStatus.IN_PROGRESS]
            for k, flag in enumerate(
                [True, bool(started), bool(held), any(s.verified for s in held)]
            ):
                counts["track"][k] += flag
            for step in progress.steps:
                done = step.status == StepStatus.DONE
                row = counts["steps"].setdefault(step.code, [0, 0, 0, 0])
                flags = [True, done or step.status == StepStatus.IN_PROGRESS, done]
                for k, flag in enumerate([*flags, done and step.verified]):
                    row[k] += flag
    return bands, sum(levels) / len(levels), len(levels), funnels


def test_readiness_counted_in_sql_agrees_with_assess(session, world):
    cluster = world["cluster_1"]
    _random_world(session, cluster)
    where = (Supplier.cluster_id == cluster.id) & Supplier.merged_into_id.is_(None)
    bands, average, suppliers, funnels = _python_figures(session, cluster)

    sql_bands, sql_average, sql_suppliers = levels_summary(
        session, where, today=TODAY, bands=LEVEL_BANDS
    )
    assert sql_bands == bands
    assert abs(sql_average - average) < 1e-9
    assert sql_suppliers == suppliers
    # Every band but the extremes is reached: the world exercises the rules.
    assert sum(1 for _, n in bands if n) >= 4

    sql_funnels = funnel_counts(session, where, today=TODAY)
    for track in default_tracks():
        expected = funnels.get(track.slug, {"track": [0, 0, 0, 0], "steps": {}})
        got = sql_funnels[track.slug]
        assert [got.in_scope, got.planned, got.certified, got.verified] == expected["track"]
        for step in track.steps:
            counts = got.steps[step.code]
            assert [counts.in_scope, counts.planned, counts.certified, counts.verified] == (
                expected["steps"].get(step.code, [0, 0, 0, 0])
            ), (track.slug, step.code)
    assert any(c.verified for c in sql_funnels.values())
