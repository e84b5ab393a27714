"""What crosses HTTP for certificates and readiness. Unknown fields are refused.

State, verification, owner and version fields are never accepted as data to store: the
state changes only through a transition, verification only through a coordinator's
decision, and ``version`` is only the client's claim of what it last saw.
"""

from datetime import UTC

import marshmallow as ma

from suppliermatch.api_common import PageArgs
from suppliermatch.certification.service import (
    INITIAL_STATES,
    CertState,
    Verification,
)
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.reference.certificates import default_catalogue

MAX_NOTE = 2000


class UtcDateTime(ma.fields.DateTime):
    """Timestamps are stored in UTC, but SQLite hands them back without their zone: say so,
    so that every answer is an RFC 3339 date-time with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _codes() -> list[str]:
    return list(default_catalogue().codes)


def _text(max_length: int, **kwargs):
    return ma.fields.String(validate=ma.validate.Length(min=1, max=max_length), **kwargs)


Version = ma.fields.Integer(
    required=True,
    validate=ma.validate.Range(min=1),
    metadata={"description": "The version you last read; a stale one answers 409."},
)


class CertificateDetailsSchema(ma.Schema):
    """The facts a person records about a certificate."""

    scope = _text(500, metadata={"description": "Processes and sites covered"})
    certificate_number = _text(80)
    issuing_body = _text(160)
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date(metadata={"description": "Last day the certificate is valid"})
    target_on = ma.fields.Date(metadata={"description": "When you aim to hold it (plans)"})
    audit_on = ma.fields.Date(metadata={"description": "Audit date (audit scheduled)"})


class CertificateCreateSchema(CertificateDetailsSchema):
    code = ma.fields.String(required=True, validate=ma.validate.OneOf(_codes()))
    supplier_id = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_ROW_ID),
        metadata={"description": "Coordinators: whose certificate. MSMEs: omit."},
    )
    state = ma.fields.String(
        load_default=CertState.PLANNED.value,
        validate=ma.validate.OneOf([s.value for s in INITIAL_STATES]),
    )
    note = _text(MAX_NOTE)


class CertificateUpdateSchema(CertificateDetailsSchema):
    version = Version
    note = _text(MAX_NOTE)


class CertificateTransitionSchema(CertificateDetailsSchema):
    to = ma.fields.String(
        required=True,
        error_messages={"required": "Choose the new status."},
        validate=ma.validate.OneOf(
            [s.value for s in CertState], error="Choose the new status: one of {choices}."
        ),
    )
    version = Version
    note = _text(MAX_NOTE)


class CertificateRenewalSchema(ma.Schema):
    version = Version
    certificate_number = _text(80, required=True)
    issuing_body = _text(160, required=True)
    issued_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(required=True)
    scope = _text(500)
    note = _text(MAX_NOTE)


class VerificationDecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["verify", "reject"]))
    version = Version
    reason = _text(500, metadata={"description": "Required when rejecting"})

    @ma.validates_schema
    def reason_when_rejecting(self, data, **kwargs):
        if data.get("decision") == "reject" and not data.get("reason"):
            raise ma.ValidationError("Say why the certificate is rejected.", "reason")


class CertificateListArgs(PageArgs):
    supplier_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ROW_ID))
    state = ma.fields.String(validate=ma.validate.OneOf([s.value for s in CertState]))
    code = ma.fields.String(validate=ma.validate.Length(max=30))
    verification = ma.fields.String(validate=ma.validate.OneOf([v.value for v in Verification]))


class CertificateSchema(ma.Schema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.Function(lambda c: default_catalogue().display_name(c.code))
    state = ma.fields.String()
    scope = ma.fields.String(allow_none=True)
    certificate_number = ma.fields.String(allow_none=True)
    issuing_body = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date(allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)
    target_on = ma.fields.Date(allow_none=True)
    audit_on = ma.fields.Date(allow_none=True)
    verification = ma.fields.String()
    verified_at = UtcDateTime(allow_none=True)
    rejection_reason = ma.fields.String(allow_none=True)
    renews_id = ma.fields.Integer(allow_none=True)
    version = ma.fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class CertificateEvidenceSchema(ma.Schema):
    id = ma.fields.Integer()
    certificate_id = ma.fields.Integer()
    original_filename = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_at = UtcDateTime()


class CertificateEvidenceUploadSchema(ma.Schema):
    file = ma.fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "PDF, PNG or JPEG"},
    )


class CertificateHistoryEventSchema(ma.Schema):
    action = ma.fields.String()
    from_state = ma.fields.String(allow_none=True)
    to_state = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    actor_user_id = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class CertificateCatalogueEntrySchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    short_name = ma.fields.String()
    issuer_type = ma.fields.String()
    signals = ma.fields.String()
    validity_years = ma.fields.Integer()
    categories = ma.fields.List(ma.fields.String())


class VerificationQueueEntrySchema(ma.Schema):
    certificate = ma.fields.Nested(CertificateSchema)
    supplier_id = ma.fields.Function(lambda e: e.supplier.id)
    supplier_name = ma.fields.Function(lambda e: e.supplier.legal_name)
    evidence_count = ma.fields.Integer()


class VerificationQueueArgs(ma.Schema):
    verification = ma.fields.String(
        load_default=Verification.UNVERIFIED.value,
        validate=ma.validate.OneOf([Verification.UNVERIFIED.value, Verification.REJECTED.value]),
    )


# ---------------------------------------------------------------- readiness and roadmap


class ReadinessStepSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    status = ma.fields.String()
    state = ma.fields.String(allow_none=True)
    credit = ma.fields.Float()
    certificate_id = ma.fields.Integer(allow_none=True)
    issued_on = ma.fields.Date(allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)
    target_on = ma.fields.Date(allow_none=True)
    audit_on = ma.fields.Date(allow_none=True)
    verified = ma.fields.Boolean()
    lapse = ma.fields.String(allow_none=True)


class ReadinessTrackSchema(ma.Schema):
    slug = ma.fields.String()
    name = ma.fields.String()
    why = ma.fields.String()
    fraction = ma.fields.Float()
    steps = ma.fields.List(ma.fields.Nested(ReadinessStepSchema))


class ReadinessNextStepSchema(ma.Schema):
    code = ma.fields.String()
    text = ma.fields.String()
    due = ma.fields.Date(allow_none=True)
    certificate_id = ma.fields.Integer(allow_none=True)
    urgent = ma.fields.Boolean()


class ReadinessSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    level = ma.fields.Float(metadata={"description": "0 (nothing started) .. 1 (all held)"})
    label = ma.fields.String()
    tracks = ma.fields.List(ma.fields.Nested(ReadinessTrackSchema))
    next_steps = ma.fields.List(ma.fields.Nested(ReadinessNextStepSchema))


class RoadmapRequirementSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    category = ma.fields.String()
    quantity_per_month = ma.fields.Float(allow_none=True)
    quantity_unit = ma.fields.String(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)


class RoadmapGapSchema(ma.Schema):
    kind = ma.fields.String(
        metadata={"description": "certificate, process, tolerance, capacity or listing"}
    )
    code = ma.fields.String(
        metadata={"description": "The certificate's code; for other kinds, what is lacking"}
    )
    action = ma.fields.String(
        metadata={"description": "obtain or renew (certificates), offer, improve, publish"}
    )


class RoadmapInProgressSchema(ma.Schema):
    code = ma.fields.String()
    state = ma.fields.String()
    certificate_id = ma.fields.Integer()
    due = ma.fields.Date(allow_none=True)


class RoadmapItemSchema(ma.Schema):
    gaps = ma.fields.List(ma.fields.Nested(RoadmapGapSchema))
    label = ma.fields.String()
    headline = ma.fields.String()
    volume = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    requirements = ma.fields.List(ma.fields.Nested(RoadmapRequirementSchema))
    in_progress = ma.fields.List(ma.fields.Nested(RoadmapInProgressSchema))


class SupplierRoadmapSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    open_requirements = ma.fields.Integer()
    out_of_scope = ma.fields.Integer()
    eligible_now = ma.fields.List(ma.fields.Nested(RoadmapRequirementSchema))
    items = ma.fields.List(ma.fields.Nested(RoadmapItemSchema))


class CertificateDemandSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    suppliers = ma.fields.Function(lambda d: len(d.suppliers))
    requirements = ma.fields.Function(
        lambda d: RoadmapRequirementSchema(many=True).dump(list(d.requirements.values()))
    )
    unserved_requirement_ids = ma.fields.Function(lambda d: sorted(d.unserved))
    volume = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    unserved_volume = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())


class RoadmapCoverageSchema(ma.Schema):
    requirement = ma.fields.Nested(RoadmapRequirementSchema)
    eligible_suppliers = ma.fields.Integer()
    one_away = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class ClusterRoadmapSchema(ma.Schema):
    cluster_id = ma.fields.Integer()
    suppliers = ma.fields.Integer()
    requirements = ma.fields.List(ma.fields.Nested(RoadmapCoverageSchema))
    items = ma.fields.List(ma.fields.Nested(CertificateDemandSchema))
