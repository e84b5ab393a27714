"""What crosses HTTP for suppliers. Unknown fields are refused (marshmallow's RAISE).

Input schemas carry types, lengths and ranges, taken from ``rules`` so that the API
documentation and the checks agree; the rules themselves (GSTIN check character, PIN
code, categories of the taxonomy, state against GSTIN) run in the service, whichever
door the values came in by. Output schemas come in two shapes: the public part of a
profile (directory) and the whole profile (the supplier itself, its cluster, admins).
"""

import marshmallow as ma
from flask_smorest.fields import Upload

from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.suppliers.imports.importer import ImportMode
from suppliermatch.suppliers.profiles import rules
from suppliermatch.suppliers.profiles.rules import NumberRange
from suppliermatch.suppliers.search.service import SORTS


def _text(limit: int, **kwargs) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=ma.validate.Length(max=limit), **kwargs)


def _number(allowed: NumberRange, **kwargs) -> ma.fields.Field:
    high = None if callable(allowed.high) else allowed.high
    validate = ma.validate.Range(min=allowed.low, max=high, min_inclusive=not allowed.low_open)
    if allowed.integer:
        return ma.fields.Integer(allow_none=True, strict=True, validate=validate, **kwargs)
    return ma.fields.Float(allow_none=True, allow_nan=False, validate=validate, **kwargs)


# -- input ------------------------------------------------------------------------------


class ProfileFieldsSchema(ma.Schema):
    legal_name = _text(rules.TEXT_LIMITS["legal_name"])
    trade_name = _text(rules.TEXT_LIMITS["trade_name"])
    gstin = _text(20, metadata={"description": "15 characters, e.g. 27AAPFU0939F1ZV"})
    udyam_number = _text(24, metadata={"description": "UDYAM-XX-00-0000000"})
    investment_inr = _number(
        rules.PROFILE_NUMBERS["investment_inr"],
        metadata={"description": "Investment in plant and machinery, rupees"},
    )
    turnover_inr = _number(
        rules.PROFILE_NUMBERS["turnover_inr"], metadata={"description": "Annual turnover, rupees"}
    )
    year_established = _number(rules.PROFILE_NUMBERS["year_established"])
    employees = _number(rules.PROFILE_NUMBERS["employees"])
    contact_name = _text(rules.TEXT_LIMITS["contact_name"])
    email = _text(rules.TEXT_LIMITS["email"])
    phone = _text(rules.PHONE_INPUT_LIMIT)
    address = _text(rules.TEXT_LIMITS["address"])
    pincode = _text(10, metadata={"description": "6 digits, first 1-9"})
    district = _text(rules.TEXT_LIMITS["district"])
    state = _text(60)
    lat = _number(rules.PROFILE_NUMBERS["lat"])
    lon = _number(rules.PROFILE_NUMBERS["lon"])
    about = _text(rules.TEXT_LIMITS["about"])
    categories = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=40)),
        allow_none=True,
        validate=ma.validate.Length(max=20),
        metadata={"description": "Category slugs of the taxonomy, e.g. coatings"},
    )
    is_public = ma.fields.Boolean(
        allow_none=False, metadata={"description": "Listed in the public directory"}
    )


class SupplierCreateSchema(ProfileFieldsSchema):
    legal_name = ma.fields.String(
        required=True, validate=ma.validate.Length(min=2, max=rules.TEXT_LIMITS["legal_name"])
    )
    cluster = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Cluster slug (admins; coordinators add to their own)"},
    )


class VersionedSchema(ma.Schema):
    version = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ma.validate.Range(min=1, max=MAX_ROW_ID),
        metadata={"description": "The version you read; a newer one answers 409"},
    )


class SupplierUpdateSchema(ProfileFieldsSchema, VersionedSchema):
    pass


class CapabilityInputSchema(ma.Schema):
    category = _text(40, metadata={"description": "Category slug, e.g. cnc_machining"})
    process = _text(60, metadata={"description": "Process slug, e.g. wire_edm"})
    description = _text(rules.CAPABILITY_TEXT_LIMITS["description"])
    best_tolerance_mm = _number(rules.CAPABILITY_NUMBERS["best_tolerance_mm"])
    max_part_size_mm = _number(rules.CAPABILITY_NUMBERS["max_part_size_mm"])
    materials = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=60)),
        allow_none=True,
        validate=ma.validate.Length(max=rules.MAX_MATERIALS),
    )
    capacity_per_month = _number(rules.CAPABILITY_NUMBERS["capacity_per_month"])
    capacity_unit = _text(rules.CAPABILITY_TEXT_LIMITS["capacity_unit"])


class CapabilityUpdateSchema(CapabilityInputSchema, VersionedSchema):
    pass


class EquipmentInputSchema(ma.Schema):
    machine = _text(rules.EQUIPMENT_TEXT_LIMITS["machine"])
    make = _text(rules.EQUIPMENT_TEXT_LIMITS["make"])
    count = _number(rules.EQUIPMENT_NUMBERS["count"])


class EquipmentUpdateSchema(EquipmentInputSchema, VersionedSchema):
    pass


class ChildVersionArgs(ma.Schema):
    """``?version=`` on a DELETE (query strings are text, so not strict)."""

    version = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1),
        metadata={"description": "The version you read; a newer one answers 409"},
    )


class SupplierSearchArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # page / per_page have their own schema

    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=200),
        metadata={"description": "Words to find in names, capabilities, processes, places"},
    )
    category = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    process = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))
    certificate = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=30),
        metadata={"description": "A certificate code that must count today, e.g. ISO9001"},
    )
    state = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))
    district = ma.fields.String(load_default=None, validate=ma.validate.Length(max=80))
    cluster = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))
    enterprise_class = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["micro", "small", "medium", "large"])
    )
    sort = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(list(SORTS)),
        metadata={
            "description": "relevance (with q; the default then), name (the default "
            "otherwise) or newest"
        },
    )


class SupplierImportArgs(ma.Schema):
    good_rows_only = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Import the good rows and skip bad ones (default: all or none)"},
    )
    cluster = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Cluster slug for new suppliers (admins; else yours)"},
    )

    @ma.post_load
    def mode(self, data, **kwargs):
        good_rows_only = data.pop("good_rows_only")
        data["mode"] = ImportMode.GOOD_ROWS_ONLY if good_rows_only else ImportMode.ALL_OR_NOTHING
        return data


class SupplierImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "A .csv or .xlsx file"})


class DuplicateListArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    status = ma.fields.String(
        load_default="open", validate=ma.validate.OneOf(["open", "merged", "dismissed"])
    )


class DuplicateScanArgs(ma.Schema):
    cluster = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Cluster slug (admins; coordinators scan their own)"},
    )


class DuplicateMergeSchema(ma.Schema):
    keep_id = ma.fields.Integer(
        required=True, strict=True, metadata={"description": "The supplier of the pair to keep"}
    )


# -- output -------------------------------------------------------------------------------


class PublicCapabilitySchema(ma.Schema):
    category = ma.fields.String()
    process = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    best_tolerance_mm = ma.fields.Float(allow_none=True)
    max_part_size_mm = ma.fields.Float(allow_none=True)
    materials = ma.fields.List(ma.fields.String())
    capacity_per_month = ma.fields.Float(allow_none=True)
    capacity_unit = ma.fields.String(allow_none=True)


class CapabilitySchema(PublicCapabilitySchema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    source = ma.fields.String(metadata={"description": "profile, or import (a re-import updates)"})
    version = ma.fields.Integer()


class PublicEquipmentSchema(ma.Schema):
    machine = ma.fields.String()
    make = ma.fields.String(allow_none=True)
    count = ma.fields.Integer()


class EquipmentSchema(PublicEquipmentSchema):
    id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    version = ma.fields.Integer()


class SupplierCertificateSummarySchema(ma.Schema):
    code = ma.fields.String()
    state = ma.fields.String()
    expires_on = ma.fields.Date(allow_none=True)
    verification = ma.fields.String()


class PublicSupplierSchema(ma.Schema):
    """What anyone may see: no identifiers, contacts, money or exact location."""

    id = ma.fields.Integer()
    legal_name = ma.fields.String()
    trade_name = ma.fields.String(allow_none=True)
    enterprise_class = ma.fields.String(allow_none=True)
    year_established = ma.fields.Integer(allow_none=True)
    employees = ma.fields.Integer(allow_none=True)
    district = ma.fields.String(allow_none=True)
    state = ma.fields.String(allow_none=True)
    cluster = ma.fields.String(allow_none=True)
    about = ma.fields.String(allow_none=True)
    categories = ma.fields.List(ma.fields.String())
    capabilities = ma.fields.List(ma.fields.Nested(PublicCapabilitySchema))
    equipment = ma.fields.List(ma.fields.Nested(PublicEquipmentSchema))
    certifications = ma.fields.List(
        ma.fields.String(), metadata={"description": "Certificate codes that count today"}
    )


class SupplierSchema(PublicSupplierSchema):
    """The whole profile, for the supplier itself, its cluster and admins."""

    external_ref = ma.fields.String(allow_none=True)
    gstin = ma.fields.String(allow_none=True)
    pan = ma.fields.String(allow_none=True)
    udyam_number = ma.fields.String(allow_none=True)
    investment_inr = ma.fields.Integer(allow_none=True)
    turnover_inr = ma.fields.Integer(allow_none=True)
    contact_name = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    pincode = ma.fields.String(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    lon = ma.fields.Float(allow_none=True)
    cluster_id = ma.fields.Integer(allow_none=True)
    is_public = ma.fields.Boolean()
    claimed = ma.fields.Boolean(metadata={"description": "An MSME account owns this profile"})
    merged_into_id = ma.fields.Integer(allow_none=True)
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    capabilities = ma.fields.List(ma.fields.Nested(CapabilitySchema))
    equipment = ma.fields.List(ma.fields.Nested(EquipmentSchema))
    certificates = ma.fields.List(ma.fields.Nested(SupplierCertificateSummarySchema))


class PublicSearchHitSchema(ma.Schema):
    id = ma.fields.Integer()
    legal_name = ma.fields.String()
    trade_name = ma.fields.String(allow_none=True)
    district = ma.fields.String(allow_none=True)
    state = ma.fields.String(allow_none=True)
    enterprise_class = ma.fields.String(allow_none=True)
    categories = ma.fields.List(ma.fields.String())
    processes = ma.fields.List(ma.fields.String())
    certifications = ma.fields.List(ma.fields.String())
    score = ma.fields.Float(allow_none=True, metadata={"description": "0-100, with a query"})


class SearchHitSchema(PublicSearchHitSchema):
    gstin = ma.fields.String(allow_none=True)
    pincode = ma.fields.String(allow_none=True)
    cluster_id = ma.fields.Integer(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)
    claimed = ma.fields.Boolean()
    version = ma.fields.Integer()


class SupplierImportProblemSchema(ma.Schema):
    row = ma.fields.Integer(allow_none=True, metadata={"description": "As the spreadsheet shows"})
    ref = ma.fields.String()
    field = ma.fields.String(metadata={"description": "The column"})
    problem = ma.fields.String()


class SupplierImportReportSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    cluster_id = ma.fields.Integer(allow_none=True)
    mode = ma.fields.String()
    outcome = ma.fields.String(metadata={"description": "imported, partial or rejected"})
    rows_total = ma.fields.Integer()
    rows_created = ma.fields.Integer()
    rows_updated = ma.fields.Integer()
    rows_rejected = ma.fields.Integer()
    problems_total = ma.fields.Integer()
    problems = ma.fields.List(ma.fields.Nested(SupplierImportProblemSchema))
    notices = ma.fields.List(ma.fields.Nested(SupplierImportProblemSchema))
    created_at = ma.fields.DateTime()
    report_csv_url = ma.fields.String()


class DuplicateSupplierSchema(ma.Schema):
    id = ma.fields.Integer()
    legal_name = ma.fields.String()
    gstin = ma.fields.String(allow_none=True)
    udyam_number = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    district = ma.fields.String(allow_none=True)
    pincode = ma.fields.String(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)


class DuplicateCandidateSchema(ma.Schema):
    id = ma.fields.Integer()
    score = ma.fields.Float()
    evidence = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    supplier = ma.fields.Nested(DuplicateSupplierSchema)
    other_supplier = ma.fields.Nested(DuplicateSupplierSchema)
    decided_at = ma.fields.DateTime(allow_none=True)


class DuplicateScanResultSchema(ma.Schema):
    suppliers = ma.fields.Integer()
    pairs = ma.fields.Integer()
    new = ma.fields.Integer()
    seconds = ma.fields.Float()


class DuplicateMergeResultSchema(ma.Schema):
    kept_id = ma.fields.Integer()
    retired_id = ma.fields.Integer()
    moved = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    stayed = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
