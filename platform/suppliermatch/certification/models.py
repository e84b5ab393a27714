"""A supplier's certificate records and the evidence behind them."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from suppliermatch.models_base import optional_timestamp_field, timestamp_field


class SupplierCertificate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    code: str = Field(max_length=30, index=True)
    state: str = Field(default="planned", max_length=20, index=True)
    scope: str | None = Field(default=None, max_length=500)
    certificate_number: str | None = Field(default=None, max_length=80)
    issuing_body: str | None = Field(default=None, max_length=160)
    issued_on: date | None = None
    # The last day the certificate is valid ("valid until" on the certificate itself).
    expires_on: date | None = Field(default=None, index=True)
    # Planning dates, for the readiness plan: when the MSME aims to hold the certificate,
    # and the day the certification body's audit is booked.
    target_on: date | None = None
    audit_on: date | None = None
    # Set by a coordinator against the evidence; cleared when number or dates change.
    verification: str = Field(default="unverified", max_length=12)
    verified_by_id: int | None = Field(default=None, foreign_key="user.id")
    verified_at: datetime | None = optional_timestamp_field()
    rejection_reason: str | None = Field(default=None, max_length=500)
    # The record this one renews: history is kept as a chain of validity periods.
    renews_id: int | None = Field(default=None, foreign_key="suppliercertificate.id")
    version: int = Field(default=1)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class CertificateEvidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(foreign_key="suppliercertificate.id", index=True)
    original_filename: str = Field(max_length=255)
    stored_name: str = Field(max_length=80, unique=True)
    content_type: str = Field(max_length=60)
    size_bytes: int
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()
