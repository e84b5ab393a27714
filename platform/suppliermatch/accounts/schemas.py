"""What crosses HTTP for accounts. Unknown fields are refused (marshmallow's RAISE)."""

import marshmallow as ma

from suppliermatch.accounts.account_tokens import MAX_TOKEN_LENGTH
from suppliermatch.accounts.models import Vetting
from suppliermatch.accounts.passwords import MAX_PASSWORD_LENGTH
from suppliermatch.accounts.two_factor import MAX_CODE_LENGTH
from suppliermatch.accounts.vetting import MAX_REASON_LENGTH

Email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


class LoginSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class SignUpSchema(ma.Schema):
    account_type = ma.fields.String(required=True, validate=ma.validate.OneOf(["msme", "anchor"]))
    organisation_name = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=200))
    cluster = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Cluster slug, e.g. ganjam"},
    )
    full_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=160))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )
    gstin = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=20),
        metadata={
            "description": "MSMEs: the enterprise's GSTIN. One of a listed enterprise is "
            "refused (409); an unclaimed profile can be claimed through /api/claims/code"
        },
    )
    udyam_number = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=24),
        metadata={"description": "MSMEs: UDYAM-XX-00-0000000, as for gstin"},
    )


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class PasswordResetRequestSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


def _token_field():
    return ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=1, max=MAX_TOKEN_LENGTH),
        metadata={"description": "The token from the link in the e-mail"},
    )


class PasswordResetConfirmSchema(ma.Schema):
    token = _token_field()
    new_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class EmailVerificationSchema(ma.Schema):
    token = _token_field()


class AcceptedSchema(ma.Schema):
    message = ma.fields.String()


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    full_name = ma.fields.String()
    kind = ma.fields.String(
        metadata={"description": "msme, anchor, unvetted_anchor, coordinator or admin"}
    )
    vetting = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Anchor firms' users: pending, approved or rejected by the cluster "
            "coordinator; until approved an anchor sees only the public directory"
        },
    )
    email_verified = ma.fields.Boolean(
        metadata={
            "description": "Whether the link e-mailed at sign-up was followed; an unverified "
            "anchor firm cannot be approved by its coordinator"
        }
    )
    organisation_id = ma.fields.Integer(allow_none=True)
    cluster_id = ma.fields.Integer(allow_none=True)
    supplier_id = ma.fields.Integer(allow_none=True)
    csrf_token = ma.fields.String(
        metadata={"description": "Send as X-CSRFToken on state-changing cookie-authenticated calls"}
    )


class CsrfSchema(ma.Schema):
    csrf_token = ma.fields.String()


class TokenCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String()
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "Shown once; store it now."})


# -- vetting anchor firms ----------------------------------------------------------------------


class VettingQueueArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # page / per_page have their own schema

    state = ma.fields.String(
        load_default=Vetting.PENDING.value,
        validate=ma.validate.OneOf([v.value for v in Vetting]),
        metadata={"description": "pending (the default), approved or rejected"},
    )


class VettingDecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "reject"]))
    reason = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_REASON_LENGTH),
        metadata={"description": "Required to reject; the anchor is told it"},
    )


class ApplicantSchema(ma.Schema):
    user_id = ma.fields.Integer(attribute="user.id")
    full_name = ma.fields.String(attribute="user.full_name")
    email = ma.fields.String(attribute="user.email")
    email_verified = ma.fields.Function(
        lambda applicant: applicant.user.email_verified_at is not None,
        metadata={"description": "Approval waits until the applicant verified the address"},
    )
    vetting = ma.fields.String(attribute="user.vetting")
    signed_up_at = ma.fields.DateTime(attribute="user.created_at")
    organisation_id = ma.fields.Integer(attribute="organisation.id")
    organisation_name = ma.fields.String(attribute="organisation.name")
    cluster = ma.fields.String(attribute="cluster.slug", allow_none=True)


# -- two-factor sign-in -------------------------------------------------------------------------


class TwoFactorCodeSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=1, max=MAX_CODE_LENGTH),
        metadata={"description": "The 6 digits from the authenticator app, or a recovery code"},
    )


class TwoFactorPendingSchema(ma.Schema):
    two_factor_required = ma.fields.Boolean()
    message = ma.fields.String()


class TwoFactorStatusSchema(ma.Schema):
    enabled = ma.fields.Boolean()
    required = ma.fields.Boolean(metadata={"description": "An admin requires it for your role"})
    recovery_codes_left = ma.fields.Integer()


class TwoFactorSetupSchema(ma.Schema):
    secret = ma.fields.String(metadata={"description": "Type it into the app, or use the URI"})
    otpauth_uri = ma.fields.String()


class RecoveryCodesSchema(ma.Schema):
    recovery_codes = ma.fields.List(
        ma.fields.String(), metadata={"description": "Shown once: each signs in once"}
    )


class PasswordConfirmSchema(ma.Schema):
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class SecurityPolicySchema(ma.Schema):
    two_factor_required = ma.fields.Boolean(
        required=True,
        metadata={"description": "Coordinators and admins must sign in with a second factor"},
    )
    updated_at = ma.fields.DateTime(dump_only=True)
