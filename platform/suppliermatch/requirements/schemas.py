"""What crosses HTTP for requirements, invitations, quotes, awards and ratings.

Input schemas refuse unknown fields (marshmallow's default RAISE), so owner, cluster,
status and version-of-record fields cannot be set by a client: only what is listed here.
"""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.dates import INDIA_TIME
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.reference.identifiers import IdentifierError, validate_pincode
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements.lifecycle import (
    NoncompliantQuotes,
    Status,
    Visibility,
)
from suppliermatch.translatable import N_

# Bounds that catch typing slips without getting in a real buyer's way.
MAX_QUANTITY = 1e9
MAX_TOLERANCE_MM = 100.0
MAX_DISTANCE_KM = 5000.0
MAX_BUDGET_INR = 10**13  # Rs 1 lakh crore
MAX_UNIT_PRICE_INR = 1e11
MAX_LEAD_TIME_DAYS = 3650
# India's extent, with a margin: catches swapped or mistyped coordinates.
INDIA_LATITUDE = (6.0, 37.5)
INDIA_LONGITUDE = (68.0, 97.5)


NONCOMPLIANT_DESCRIPTION = (
    "Quotes from suppliers that fail a hard constraint (a required certificate, the "
    "tolerance, the capacity): flag (accepted, marked with what the supplier lacks; the "
    "default) or refuse (answered 422, naming what is missing)"
)
HARD_CONSTRAINT_LACKS = (
    "The hard constraints of the requirement the supplier fails, in words (the matching "
    "engine's rule); empty when it meets them all"
)


def _known_category(value: str) -> None:
    if not default_taxonomy().has_category(value):
        raise ma.ValidationError(
            N_("'%(value)s' is not a category we know; choose one from the list.", value=value)
        )


def _known_process(value: str) -> None:
    if not default_taxonomy().has_process(value):
        raise ma.ValidationError(
            N_("'%(value)s' is not a process we know; choose one from the list.", value=value)
        )


def _known_certificate(value: str) -> None:
    if value not in default_catalogue():
        raise ma.ValidationError(
            N_(
                "'%(value)s' is not a certificate we know; choose one from the catalogue.",
                value=value,
            )
        )


def process_outside_category(process_slug: str, category_slug: str) -> str:
    """Words for a process chosen outside the chosen category: "Surface grinding is not a
    Testing & inspection process; ..."."""
    taxonomy = default_taxonomy()
    process = taxonomy.process(process_slug)
    category = taxonomy.category(category_slug)
    home = taxonomy.category(process.category)
    return (
        f"{process.name} is not a {category.name} process (it is {home.name}); choose a "
        f"{category.name} process, or the category {home.name}."
    )


def _pincode(value: str) -> None:
    try:
        validate_pincode(value)
    except IdentifierError as error:
        raise ma.ValidationError(error.message) from error


def _cert_list(**kwargs):
    return ma.fields.List(
        ma.fields.String(validate=_known_certificate),
        validate=v.Length(max=20),
        metadata={"description": "Certificate codes from the catalogue, e.g. ISO9001, ZED_SILVER"},
        **kwargs,
    )


class LineItemSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    item = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    quantity = ma.fields.Float(
        required=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_QUANTITY)
    )
    unit = ma.fields.String(required=True, validate=v.Length(min=1, max=20))
    spec_reference = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=v.Length(max=120),
        metadata={"description": "Drawing number or specification reference"},
    )


class RequirementInputSchema(ma.Schema):
    """A requirement as the anchor writes it. Only ``title`` is needed for a draft (the
    category is optional: the text says what is asked for); publishing also needs a future
    quote deadline and a line item."""

    title = ma.fields.String(required=True, validate=v.Length(min=3, max=200))
    description = ma.fields.String(validate=v.Length(max=5000))
    category = ma.fields.String(
        allow_none=True,
        validate=_known_category,
        metadata={"description": "Taxonomy category slug, e.g. coatings; optional"},
    )
    process = ma.fields.String(
        allow_none=True,
        validate=_known_process,
        metadata={"description": "Taxonomy process slug within the category"},
    )
    quantity_per_month = ma.fields.Float(
        allow_none=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_QUANTITY)
    )
    quantity_unit = ma.fields.String(allow_none=True, validate=v.Length(max=20))
    tolerance_mm = ma.fields.Float(
        allow_none=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_TOLERANCE_MM)
    )
    materials = ma.fields.List(
        ma.fields.String(validate=v.Length(min=1, max=60)), validate=v.Length(max=20)
    )
    required_certs = _cert_list()
    preferred_certs = _cert_list()
    plant_name = ma.fields.String(allow_none=True, validate=v.Length(max=120))
    plant_pincode = ma.fields.String(allow_none=True, validate=_pincode)
    plant_lat = ma.fields.Float(allow_none=True, validate=v.Range(*INDIA_LATITUDE))
    plant_lon = ma.fields.Float(allow_none=True, validate=v.Range(*INDIA_LONGITUDE))
    max_distance_km = ma.fields.Float(
        allow_none=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_DISTANCE_KM)
    )
    needed_by = ma.fields.Date(allow_none=True)
    quote_deadline = ma.fields.AwareDateTime(
        allow_none=True,
        default_timezone=INDIA_TIME,
        metadata={"description": "ISO 8601; without a zone it is read as IST (+05:30)"},
    )
    budget_min_inr = ma.fields.Integer(allow_none=True, validate=v.Range(min=0, max=MAX_BUDGET_INR))
    budget_max_inr = ma.fields.Integer(allow_none=True, validate=v.Range(min=0, max=MAX_BUDGET_INR))
    visibility = ma.fields.String(validate=v.OneOf([x.value for x in Visibility]))
    noncompliant_quotes = ma.fields.String(
        validate=v.OneOf([x.value for x in NoncompliantQuotes]),
        metadata={"description": NONCOMPLIANT_DESCRIPTION},
    )
    line_items = ma.fields.List(ma.fields.Nested(LineItemSchema), validate=v.Length(max=50))

    @ma.post_load
    def normalise(self, data, **kwargs):
        for key in ("required_certs", "preferred_certs", "materials"):
            if key in data:
                data[key] = list(dict.fromkeys(data[key]))
        if "plant_pincode" in data and data["plant_pincode"]:
            data["plant_pincode"] = validate_pincode(data["plant_pincode"])
        return data

    @ma.validates_schema
    def check_consistency(self, data, **kwargs):
        errors = {}
        process, category = data.get("process"), data.get("category")
        taxonomy = default_taxonomy()
        if (
            process
            and category
            and taxonomy.has_process(process)
            and taxonomy.process(process).category != category
        ):
            errors["process"] = [process_outside_category(process, category)]
        low, high = data.get("budget_min_inr"), data.get("budget_max_inr")
        if low is not None and high is not None and low > high:
            errors["budget_max_inr"] = ["The budget's upper end is below its lower end."]
        both = set(data.get("required_certs") or []) & set(data.get("preferred_certs") or [])
        if both:
            errors["preferred_certs"] = [
                f"{', '.join(sorted(both))} is already required; list it once."
            ]
        if (data.get("plant_lat") is None) != (data.get("plant_lon") is None) and (
            "plant_lat" in data or "plant_lon" in data
        ):
            errors["plant_lon"] = ["Give both latitude and longitude, or neither."]
        if errors:
            raise ma.ValidationError(errors)


class RequirementUpdateSchema(RequirementInputSchema):
    version = ma.fields.Integer(
        required=True, metadata={"description": "The version you are editing (from GET)"}
    )
    note = ma.fields.String(validate=v.Length(max=500), metadata={"description": "Why it changed"})


UPDATE_PARTIAL = tuple(
    name for name in RequirementInputSchema._declared_fields if name != "version"
)


class RequirementSchema(ma.Schema):
    """A requirement as the caller may see it: budget fields only for the anchor's users and
    the cluster coordinator; counts only for them; ``invited``/``my_quote_*`` for suppliers."""

    id = ma.fields.Integer()
    external_ref = ma.fields.String(allow_none=True)
    anchor_id = ma.fields.Integer()
    anchor_name = ma.fields.String(allow_none=True)
    cluster_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    category = ma.fields.String(allow_none=True)
    process = ma.fields.String(allow_none=True)
    quantity_per_month = ma.fields.Float(allow_none=True)
    quantity_unit = ma.fields.String(allow_none=True)
    tolerance_mm = ma.fields.Float(allow_none=True)
    materials = ma.fields.List(ma.fields.String())
    required_certs = ma.fields.List(ma.fields.String())
    preferred_certs = ma.fields.List(ma.fields.String())
    plant_name = ma.fields.String(allow_none=True)
    plant_pincode = ma.fields.String(allow_none=True)
    plant_lat = ma.fields.Float(allow_none=True)
    plant_lon = ma.fields.Float(allow_none=True)
    max_distance_km = ma.fields.Float(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    quote_deadline = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    visibility = ma.fields.String()
    noncompliant_quotes = ma.fields.String(metadata={"description": NONCOMPLIANT_DESCRIPTION})
    status = ma.fields.String(
        metadata={"description": "draft, published, closed, awarded, cancelled"}
    )
    open_for_quotes = ma.fields.Boolean()
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    line_items = ma.fields.List(ma.fields.Nested(LineItemSchema))
    can_manage = ma.fields.Boolean()
    budget_min_inr = ma.fields.Integer(allow_none=True)
    budget_max_inr = ma.fields.Integer(allow_none=True)
    quote_count = ma.fields.Integer()
    invitation_count = ma.fields.Integer()
    invited = ma.fields.Boolean()
    invitation_status = ma.fields.String(allow_none=True)
    my_quote_id = ma.fields.Integer(allow_none=True)
    my_quote_status = ma.fields.String(allow_none=True)
    my_lacks = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Suppliers only, before they quote: " + HARD_CONSTRAINT_LACKS},
    )


class RequirementListArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    status = ma.fields.String(validate=v.OneOf([s.value for s in Status]))


class TransitionSchema(ma.Schema):
    version = ma.fields.Integer(
        metadata={"description": "If given, the move is refused when the requirement changed"}
    )
    reason = ma.fields.String(validate=v.Length(max=500))


class CancelSchema(TransitionSchema):
    reason = ma.fields.String(required=True, validate=v.Length(min=3, max=500))


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    actor_user_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    from_state = ma.fields.String(allow_none=True)
    to_state = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    details = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.DateTime()


# -- invitations -----------------------------------------------------------------------------


class InviteSchema(ma.Schema):
    supplier_ids = ma.fields.List(
        ma.fields.Integer(validate=v.Range(min=1, max=MAX_ROW_ID)),
        required=True,
        validate=v.Length(min=1, max=200),
    )


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    status = ma.fields.String(metadata={"description": "invited, quoted or declined"})
    decline_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    responded_at = ma.fields.DateTime(allow_none=True)


class DeclineSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=v.Length(min=3, max=500))


class OwnInvitationSchema(ma.Schema):
    status = ma.fields.String()
    decline_reason = ma.fields.String(allow_none=True)
    responded_at = ma.fields.DateTime(allow_none=True)


# -- quotes ----------------------------------------------------------------------------------


class QuoteLineInputSchema(ma.Schema):
    line_item_id = ma.fields.Integer(required=True)
    unit_price_inr = ma.fields.Float(
        required=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_UNIT_PRICE_INR)
    )


class QuoteInputSchema(ma.Schema):
    lead_time_days = ma.fields.Integer(
        required=True, validate=v.Range(min=1, max=MAX_LEAD_TIME_DAYS)
    )
    valid_until = ma.fields.Date(required=True)
    notes = ma.fields.String(allow_none=True, validate=v.Length(max=2000))
    lines = ma.fields.List(
        ma.fields.Nested(QuoteLineInputSchema), required=True, validate=v.Length(min=1, max=50)
    )


class QuoteUpdateSchema(QuoteInputSchema):
    version = ma.fields.Integer(required=True)


class QuoteLineSchema(ma.Schema):
    line_item_id = ma.fields.Integer()
    item = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    unit_price_inr = ma.fields.Float()
    line_total_inr = ma.fields.Float()


class QuoteSchema(ma.Schema):
    id = ma.fields.Integer()
    requirement_id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String(allow_none=True)
    lead_time_days = ma.fields.Integer()
    valid_until = ma.fields.Date()
    notes = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "submitted, awarded or not_awarded"})
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    lines = ma.fields.List(ma.fields.Nested(QuoteLineSchema))
    total_inr = ma.fields.Float()
    meets_hard_constraints = ma.fields.Boolean(
        metadata={"description": "Whether the supplier meets every hard constraint today"}
    )
    lacks = ma.fields.List(ma.fields.String(), metadata={"description": HARD_CONSTRAINT_LACKS})


class ComparisonSchema(ma.Schema):
    sealed = ma.fields.Boolean(
        metadata={"description": "True while bidding is open: then only the count is given"}
    )
    quote_count = ma.fields.Integer()
    opens_at = ma.fields.DateTime(allow_none=True)
    line_items = ma.fields.List(ma.fields.Nested(LineItemSchema))
    quotes = ma.fields.List(
        ma.fields.Nested(QuoteSchema),
        metadata={
            "description": "Quotes meeting every hard constraint first, then the others; "
            "each group cheapest total first"
        },
    )


# -- awards and ratings -----------------------------------------------------------------------


class AllocationSchema(ma.Schema):
    supplier_id = ma.fields.Integer(required=True)
    quantity_per_month = ma.fields.Float(
        allow_none=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_QUANTITY)
    )


class AwardInputSchema(ma.Schema):
    allocations = ma.fields.List(
        ma.fields.Nested(AllocationSchema), required=True, validate=v.Length(min=1, max=50)
    )
    note = ma.fields.String(validate=v.Length(max=500))


class RatingInputSchema(ma.Schema):
    quality = ma.fields.Integer(required=True, validate=v.Range(min=1, max=5))
    on_time = ma.fields.Integer(required=True, validate=v.Range(min=1, max=5))
    communication = ma.fields.Integer(required=True, validate=v.Range(min=1, max=5))
    comment = ma.fields.String(allow_none=True, validate=v.Length(max=2000))
    delivered_on = ma.fields.Date(required=True)


class RatingSchema(RatingInputSchema):
    id = ma.fields.Integer()
    award_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class AwardSchema(ma.Schema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    quote_id = ma.fields.Integer()
    quantity_per_month = ma.fields.Float(allow_none=True)
    created_at = ma.fields.DateTime()
    rating = ma.fields.Nested(RatingSchema, allow_none=True)


# -- scorecard and import ------------------------------------------------------------------------


class ScorecardSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    score = ma.fields.Float(
        allow_none=True, metadata={"description": "0..1 summary; null without any history"}
    )
    ratings_count = ma.fields.Integer()
    average_quality = ma.fields.Float(allow_none=True)
    average_on_time = ma.fields.Float(allow_none=True)
    average_communication = ma.fields.Float(allow_none=True)
    average_rating = ma.fields.Float(allow_none=True)
    invitations = ma.fields.Integer()
    invitations_pending = ma.fields.Integer(
        metadata={"description": "Still open for quotes and not answered yet"}
    )
    invitations_quoted = ma.fields.Integer()
    quotes_submitted = ma.fields.Integer()
    response_rate = ma.fields.Float(allow_none=True)
    median_response_hours = ma.fields.Float(allow_none=True)
    awards = ma.fields.Integer()


class ImportFileSchema(ma.Schema):
    file = ma.fields.Raw(
        required=True, metadata={"type": "string", "format": "binary", "description": "CSV file"}
    )


class ImportErrorSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "Line number in the file (header is 1)"})
    ref = ma.fields.String(allow_none=True)
    field = ma.fields.String()
    message = ma.fields.String()


class ImportReportSchema(ma.Schema):
    created = ma.fields.List(ma.fields.String(), metadata={"description": "New requirement refs"})
    existing = ma.fields.List(
        ma.fields.String(), metadata={"description": "Refs already imported, left unchanged"}
    )
    anchors_created = ma.fields.List(ma.fields.String())
    errors = ma.fields.List(ma.fields.Nested(ImportErrorSchema))
