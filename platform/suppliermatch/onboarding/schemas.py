"""What crosses HTTP for onboarding. Unknown fields are refused (marshmallow's RAISE)."""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.accounts.account_tokens import MAX_TOKEN_LENGTH
from suppliermatch.accounts.passwords import MAX_PASSWORD_LENGTH
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.onboarding.invitations import MAX_SELECTED
from suppliermatch.onboarding.models import InvitationStatus

MAX_REASON_LENGTH = 500


def _id_field(**kwargs):
    return ma.fields.Integer(validate=v.Range(min=1, max=MAX_ROW_ID), **kwargs)


class ClaimInviteSchema(ma.Schema):
    supplier_ids = ma.fields.List(
        _id_field(),
        load_default=None,
        validate=v.Length(min=1, max=MAX_SELECTED),
        metadata={"description": "The suppliers to invite (or invite again)"},
    )
    all_uninvited = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Every unclaimed supplier never invited that has an e-mail"},
    )
    import_id = _id_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "With all_uninvited: only the suppliers of this import"},
    )

    @ma.validates_schema
    def one_choice(self, data, **kwargs):
        if bool(data.get("supplier_ids")) == bool(data.get("all_uninvited")):
            raise ma.ValidationError(
                "Give supplier_ids, or all_uninvited: true (one of them).", "supplier_ids"
            )
        if data.get("import_id") is not None and not data.get("all_uninvited"):
            raise ma.ValidationError("import_id goes with all_uninvited: true.", "import_id")


class SkippedSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    reason = ma.fields.String(metadata={"description": "claimed or no_email"})


class ClaimInviteOutcomeSchema(ma.Schema):
    invited = ma.fields.List(ma.fields.Integer())
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema))


class OnboardingArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # page / per_page have their own schema

    status = ma.fields.String(
        load_default=None,
        validate=v.OneOf([s.value for s in InvitationStatus]),
        metadata={"description": "not_invited, invited, bounced or claimed"},
    )


class OnboardingStatusSchema(ma.Schema):
    supplier_id = ma.fields.Integer()
    legal_name = ma.fields.String()
    email = ma.fields.String(allow_none=True, metadata={"description": "On record now"})
    status = ma.fields.String(metadata={"description": "not_invited, invited, bounced, claimed"})
    invited_email = ma.fields.String(allow_none=True)
    first_invited_at = ma.fields.DateTime(allow_none=True)
    last_invited_at = ma.fields.DateTime(allow_none=True)
    times_invited = ma.fields.Integer()
    bounced_at = ma.fields.DateTime(allow_none=True)
    bounce_reason = ma.fields.String(allow_none=True)


def _password():
    return ma.fields.String(
        required=True, load_only=True, validate=v.Length(max=MAX_PASSWORD_LENGTH)
    )


class NewOwnerSchema(ma.Schema):
    """The account of the person taking over a profile."""

    full_name = ma.fields.String(required=True, validate=v.Length(min=1, max=160))
    email = ma.fields.Email(required=True, validate=v.Length(max=254))
    password = _password()


class ClaimByLinkSchema(NewOwnerSchema):
    token = ma.fields.String(
        required=True,
        load_only=True,
        validate=v.Length(min=1, max=MAX_TOKEN_LENGTH),
        metadata={"description": "The token from the invitation's link"},
    )


class IdentifierSchema(ma.Schema):
    gstin = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=20))
    udyam_number = ma.fields.String(load_default=None, allow_none=True, validate=v.Length(max=24))


class ClaimByCodeSchema(IdentifierSchema, NewOwnerSchema):
    code = ma.fields.String(
        required=True,
        load_only=True,
        validate=v.Length(min=1, max=20),
        metadata={"description": "The code e-mailed to the profile's address on record"},
    )


class ReassignSchema(ma.Schema):
    email = ma.fields.Email(
        required=True,
        validate=v.Length(max=254),
        metadata={"description": "The enterprise's right contact: invited to claim the profile"},
    )
    reason = ma.fields.String(required=True, validate=v.Length(min=1, max=MAX_REASON_LENGTH))
