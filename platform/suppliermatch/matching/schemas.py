"""What crosses HTTP for supplier rankings, match weights and shortlists."""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.api_common import PageArgs
from suppliermatch.matching.engine import scoring
from suppliermatch.matching.service import MAX_WEIGHT
from suppliermatch.models_base import MAX_ROW_ID

WEIGHT_DESCRIPTION = (
    "Factor name -> weight (0 to 1). The score is the weighted mean of the factors, placed "
    "inside the band of the supplier's kind of process match. Defaults: "
    + ", ".join(f"{name} {weight:g}" for name, weight in scoring.DEFAULT_WEIGHTS.items())
    + "."
)


class MatchArgs(PageArgs):
    approved_only = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Only suppliers on your approved-supplier list"},
    )
    include_excluded = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Also list suppliers that offer the process (or a related one) "
            "but fail a hard constraint, each with what it fails"
        },
    )


class MatchFactorSchema(ma.Schema):
    name = ma.fields.String()
    value = ma.fields.Float(metadata={"description": "0..1"})
    weight = ma.fields.Float()
    contribution = ma.fields.Float(metadata={"description": "What this factor added to the score"})


class _SupplierPlaceSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    district = ma.fields.String(allow_none=True)
    state = ma.fields.String(allow_none=True)
    match = ma.fields.String(
        metadata={"description": "exact (offers the process), related, text or weak"}
    )
    matched_process = ma.fields.String(allow_none=True)
    matched_phrase = ma.fields.String(metadata={"description": "The supplier's words that matched"})
    invitation_status = ma.fields.String(
        allow_none=True,
        metadata={"description": "invited, quoted or declined; null if not invited"},
    )
    shortlisted = ma.fields.Boolean()
    approved_by_anchor = ma.fields.String(
        allow_none=True,
        metadata={"description": "On the anchor's approved-supplier list: for which parts"},
    )


class MatchItemSchema(_SupplierPlaceSchema):
    rank = ma.fields.Integer()
    score = ma.fields.Float(metadata={"description": "0..1; a higher band per kind of match"})
    fully_qualified = ma.fields.Boolean(
        metadata={"description": "Offers the process itself and meets every hard constraint"}
    )
    factors = ma.fields.List(ma.fields.Nested(MatchFactorSchema))
    reasons = ma.fields.List(ma.fields.String())


class ExcludedSupplierSchema(_SupplierPlaceSchema):
    failures = ma.fields.List(
        ma.fields.String(), metadata={"description": "The hard constraints it fails, in words"}
    )


class MatchesSchema(ma.Schema):
    requirement_id = ma.fields.Integer()
    process = ma.fields.String(
        allow_none=True, metadata={"description": "The process the requirement was read as"}
    )
    process_name = ma.fields.String(allow_none=True)
    related_processes = ma.fields.List(ma.fields.String())
    notes = ma.fields.List(ma.fields.String())
    weights = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    total = ma.fields.Integer(metadata={"description": "Suppliers ranked (the best 200 at most)"})
    fully_qualified_total = ma.fields.Integer(
        metadata={
            "description": "Suppliers offering the process itself and meeting every hard "
            "constraint, all of them (ranked or beyond the best 200): the count the "
            "dashboard, roadmap and match report give"
        }
    )
    items = ma.fields.List(ma.fields.Nested(MatchItemSchema))
    excluded = ma.fields.List(
        ma.fields.Nested(ExcludedSupplierSchema),
        metadata={"description": "Only with include_excluded=true"},
    )


class MatchWeightsSchema(ma.Schema):
    defaults = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    overrides = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    effective = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    more_met_always_wins = ma.fields.Boolean(
        metadata={
            "description": "Whether meeting one more of preferred certificates, full quantity "
            "and distance still always ranks a supplier higher with these weights"
        }
    )
    version = ma.fields.Integer(metadata={"description": "The requirement's version"})


class MatchWeightsInputSchema(ma.Schema):
    weights = ma.fields.Dict(
        required=True,
        keys=ma.fields.String(validate=v.OneOf(list(scoring.DEFAULT_WEIGHTS))),
        values=ma.fields.Float(
            allow_nan=False, validate=v.Range(min=0, max=MAX_WEIGHT, min_inclusive=True)
        ),
        metadata={"description": WEIGHT_DESCRIPTION + " An empty object restores the defaults."},
    )
    version = ma.fields.Integer(
        required=True, metadata={"description": "The requirement's version you are changing"}
    )


class ShortlistInputSchema(ma.Schema):
    supplier_id = ma.fields.Integer(required=True, validate=v.Range(min=1, max=MAX_ROW_ID))
    note = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=500))


class ShortlistEntrySchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    supplier_name = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    added_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
