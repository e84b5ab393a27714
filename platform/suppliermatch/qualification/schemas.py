"""What crosses HTTP for qualifications, their elements, templates and 8D actions."""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.qualification import service
from suppliermatch.reference import qualification as ref

ELEMENT_CODES = (*ref.PPAP_ELEMENTS, *ref.FAI_FORMS)


class TemplateInputSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=120))
    kind = ma.fields.String(required=True, validate=v.OneOf(ref.KINDS))
    ppap_level = ma.fields.Integer(validate=v.Range(min=1, max=5))
    elements = ma.fields.List(
        ma.fields.String(validate=v.OneOf(ELEMENT_CODES)),
        validate=v.Length(max=len(ELEMENT_CODES)),
        metadata={"description": "Element codes; default: the PPAP level's, or AS9102 forms 1-3"},
    )


class TemplateSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    ppap_level = ma.fields.Integer(allow_none=True)
    elements = ma.fields.List(ma.fields.String())


class OpenInputSchema(ma.Schema):
    template_id = ma.fields.Integer(required=True, validate=v.Range(min=1, max=2**31 - 1))
    part = ma.fields.String(required=True, validate=v.Length(min=1, max=120))
    category = ma.fields.String(validate=v.Length(max=40))


class ReviewInputSchema(ma.Schema):
    accept = ma.fields.Boolean(required=True)
    reason = ma.fields.String(validate=v.Length(max=500))


class DecisionInputSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=v.OneOf(service.DECISIONS))
    valid_until = ma.fields.Date()
    note = ma.fields.String(validate=v.Length(max=1000))


class CorrectiveActionInputSchema(ma.Schema):
    lot_reference = ma.fields.String(required=True, validate=v.Length(min=1, max=60))
    rejected_on = ma.fields.Date(required=True)
    problem = ma.fields.String(required=True, validate=v.Length(min=1, max=2000))


class DisciplinesInputSchema(ma.Schema):
    disciplines = ma.fields.Dict(
        keys=ma.fields.String(validate=v.OneOf(tuple(ref.EIGHT_D))),
        values=ma.fields.String(validate=v.Length(min=1, max=2000)),
        required=True,
        validate=v.Length(min=1),
    )


class StepInputSchema(ma.Schema):
    step = ma.fields.String(required=True, validate=v.OneOf(("containment", "root_cause", "close")))


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "PDF, PNG or JPEG"},
    )


class ApprovedListArgs(ma.Schema):
    category = ma.fields.String(validate=v.Length(max=40))


class ElementSchema(ma.Schema):
    id = ma.fields.Function(lambda e: e["element"].id)
    code = ma.fields.Function(lambda e: e["element"].code)
    name = ma.fields.String()
    state = ma.fields.Function(lambda e: e["element"].state)
    original_filename = ma.fields.Function(lambda e: e["element"].original_filename)
    return_reason = ma.fields.Function(lambda e: e["element"].return_reason)


class QualificationSchema(ma.Schema):
    id = ma.fields.Integer()
    award_id = ma.fields.Integer()
    anchor_id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    kind = ma.fields.String()
    ppap_level = ma.fields.Integer(allow_none=True)
    part = ma.fields.String()
    category = ma.fields.String(allow_none=True)
    state = ma.fields.String()
    decision_note = ma.fields.String(allow_none=True)
    valid_until = ma.fields.Date(allow_none=True)


class CorrectiveActionSchema(ma.Schema):
    id = ma.fields.Integer()
    qualification_id = ma.fields.Integer()
    lot_reference = ma.fields.String()
    rejected_on = ma.fields.Date()
    disciplines = ma.fields.Dict()
    containment_approved = ma.fields.Function(lambda a: a.containment_approved_at is not None)
    root_cause_approved = ma.fields.Function(lambda a: a.root_cause_approved_at is not None)
    state = ma.fields.String()


class QualificationDetailSchema(ma.Schema):
    qualification = ma.fields.Nested(QualificationSchema)
    elements = ma.fields.List(ma.fields.Nested(ElementSchema))
    corrective_actions = ma.fields.List(ma.fields.Nested(CorrectiveActionSchema))
