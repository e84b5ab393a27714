"""What crosses HTTP for reports. Unknown fields are refused; authors and times are never
taken from the client."""

import marshmallow as ma

from suppliermatch.certification.schemas import UtcDateTime
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.reports.dashboard import EXPIRING_LIMIT_MAX, EXPIRING_LISTED
from suppliermatch.reports.models import Recommendation

MAX_NOTE = 2000


class NoteInputSchema(ma.Schema):
    supplier_id = ma.fields.Integer(
        required=True, validate=ma.validate.Range(min=1, max=MAX_ROW_ID)
    )
    text = ma.fields.String(validate=ma.validate.Length(max=MAX_NOTE), load_default=None)
    recommendation = ma.fields.String(
        validate=ma.validate.OneOf([r.value for r in Recommendation]),
        load_default=None,
        metadata={"description": "recommended, consider, develop or not_recommended"},
    )


class CoordinatorNoteSchema(ma.Schema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    author = ma.fields.String()
    text = ma.fields.String()
    recommendation = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()


class DashboardArgs(ma.Schema):
    cluster_id = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_ROW_ID),
        load_default=None,
        metadata={"description": "Admins: one cluster (all clusters when left out)"},
    )
    expiring_limit = ma.fields.Integer(
        validate=ma.validate.Range(min=0, max=EXPIRING_LIMIT_MAX),
        load_default=EXPIRING_LISTED,
        metadata={
            "description": "How many expiring certificates to list, the soonest first "
            "(``expiring_total`` counts them all; /dashboard/expiring.csv lists every one)"
        },
    )


# ---------------------------------------------------------------- dashboard


class DashboardCountSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    count = ma.fields.Integer()


class DashboardPlaceSchema(ma.Schema):
    state = ma.fields.String()
    district = ma.fields.String()
    count = ma.fields.Integer()


class DashboardCoverageSchema(ma.Schema):
    requirement_id = ma.fields.Integer()
    title = ma.fields.String()
    anchor = ma.fields.String()
    cluster_id = ma.fields.Integer(allow_none=True)
    category = ma.fields.String()
    process = ma.fields.String(allow_none=True)
    quantity_per_month = ma.fields.Float(allow_none=True)
    quantity_unit = ma.fields.String(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    quote_deadline = UtcDateTime(allow_none=True)
    qualified = ma.fields.Integer(metadata={"description": "Fully qualified suppliers today"})
    thin = ma.fields.Boolean(metadata={"description": "Fewer than 3 qualified suppliers"})
    one_away = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class DashboardSupplySchema(ma.Schema):
    category = ma.fields.String()
    process = ma.fields.String(allow_none=True)
    unit = ma.fields.String()
    demand = ma.fields.Float(metadata={"description": "Open monthly quantity"})
    supply = ma.fields.Float(metadata={"description": "Monthly capacity of qualified suppliers"})
    shortfall = ma.fields.Float()
    comparable = ma.fields.Boolean()
    requirements = ma.fields.Integer()
    qualified_suppliers = ma.fields.Function(lambda s: len(s.suppliers))
    other_units = ma.fields.Function(lambda s: sorted(s.other_units))


class DashboardUnlockSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    requirements = ma.fields.Integer()
    unserved = ma.fields.Integer()
    suppliers = ma.fields.Integer()
    volume = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())


class DashboardStepFunnelSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    in_scope = ma.fields.Integer()
    planned = ma.fields.Integer()
    certified = ma.fields.Integer()
    verified = ma.fields.Integer()


class DashboardTrackFunnelSchema(DashboardStepFunnelSchema):
    class Meta:
        exclude = ("code",)

    slug = ma.fields.String()
    steps = ma.fields.List(ma.fields.Nested(DashboardStepFunnelSchema))


class DashboardExpiringSchema(ma.Schema):
    certificate_id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    code = ma.fields.String()
    name = ma.fields.String()
    expires_on = ma.fields.Date()
    days_left = ma.fields.Integer()
    verified = ma.fields.Boolean()
    renewal_state = ma.fields.String(allow_none=True)


class DashboardScopeSchema(ma.Schema):
    cluster_id = ma.fields.Function(lambda s: s.cluster.id if s.cluster else None, allow_none=True)
    label = ma.fields.String()
    cluster_ids = ma.fields.List(ma.fields.Integer())


class DashboardSchema(ma.Schema):
    scope = ma.fields.Nested(DashboardScopeSchema)
    today = ma.fields.Date()
    suppliers = ma.fields.Integer()
    open_requirements = ma.fields.Integer()
    by_category = ma.fields.List(ma.fields.Nested(DashboardCountSchema))
    by_place = ma.fields.List(ma.fields.Nested(DashboardPlaceSchema))
    by_class = ma.fields.List(ma.fields.Nested(DashboardCountSchema))
    by_status = ma.fields.List(ma.fields.Nested(DashboardCountSchema))
    coverage = ma.fields.List(ma.fields.Nested(DashboardCoverageSchema))
    supply = ma.fields.List(ma.fields.Nested(DashboardSupplySchema))
    unlocks = ma.fields.List(ma.fields.Nested(DashboardUnlockSchema))
    funnels = ma.fields.List(ma.fields.Nested(DashboardTrackFunnelSchema))
    expiring = ma.fields.List(ma.fields.Nested(DashboardExpiringSchema))
    expiring_total = ma.fields.Integer(
        metadata={"description": "Certificates expiring in the window, listed or not"}
    )


# ---------------------------------------------------------------- match report


class ReportFactorSchema(ma.Schema):
    name = ma.fields.String()
    value = ma.fields.Float()
    weight = ma.fields.Float()
    contribution = ma.fields.Float()


class ReportSupplierSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    name = ma.fields.String()
    place = ma.fields.String()
    qualifies = ma.fields.Boolean()
    rank = ma.fields.Integer(allow_none=True)
    score = ma.fields.Float(allow_none=True)
    match = ma.fields.String(allow_none=True)
    factors = ma.fields.List(ma.fields.Nested(ReportFactorSchema))
    reasons = ma.fields.List(ma.fields.String())
    lacks = ma.fields.List(ma.fields.String())
    invitation = ma.fields.String(allow_none=True)
    quote = ma.fields.String(allow_none=True)
    quote_noncompliant = ma.fields.Boolean(
        metadata={"description": "It quoted, but fails a hard constraint (see lacks)"}
    )
    stage = ma.fields.String()
    quote_total_inr = ma.fields.Float(
        allow_none=True, metadata={"description": "The anchor's, once bidding has ended"}
    )
    lead_time_days = ma.fields.Integer(allow_none=True)
    awarded = ma.fields.Boolean()
    recommendation = ma.fields.Function(
        lambda line: line.recommendation.recommendation if line.recommendation else None,
        allow_none=True,
    )
    notes = ma.fields.List(ma.fields.Nested(CoordinatorNoteSchema))


class ReportRequirementSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    category = ma.fields.String()
    process = ma.fields.String(allow_none=True)
    quantity_per_month = ma.fields.Float(allow_none=True)
    quantity_unit = ma.fields.String(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    quote_deadline = UtcDateTime(allow_none=True)
    required_certs = ma.fields.List(ma.fields.String())
    preferred_certs = ma.fields.List(ma.fields.String())


class MatchReportSchema(ma.Schema):
    requirement = ma.fields.Nested(ReportRequirementSchema)
    anchor = ma.fields.String()
    status = ma.fields.String()
    generated_at = UtcDateTime()
    qualified_total = ma.fields.Integer(
        metadata={"description": "Fully qualified suppliers, all of them (not only those shown)"}
    )
    excluded_total = ma.fields.Integer()
    thin = ma.fields.Boolean()
    invited = ma.fields.Integer()
    quoted = ma.fields.Integer()
    quotes_sealed = ma.fields.Boolean()
    quotes_open_at = UtcDateTime(allow_none=True)
    ranked = ma.fields.List(ma.fields.Nested(ReportSupplierSchema))
    excluded = ma.fields.List(ma.fields.Nested(ReportSupplierSchema))
    others = ma.fields.List(ma.fields.Nested(ReportSupplierSchema))
