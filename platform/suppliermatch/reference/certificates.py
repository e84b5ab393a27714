"""Certificate catalogue and the rule for when a held certificate counts.

A buyer's requirement names certificate codes (``ISO9001``, ``ZED_SILVER`` ...). A supplier
meets one when it holds that code, or a higher level of the same ladder (ZED Gold satisfies
Silver and Bronze), with status ``certified`` and an expiry on or after the date the buyer
needs the work by. An expired, suspended, applied-for or audit-scheduled certificate does
not count (DOMAIN: "An expired or suspended certificate must not count").

The catalogue itself lives in ``seeds/certificates.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, TypeVar

from suppliermatch.reference.taxonomy import seeds_dir

CERTIFICATES_FILE = "certificates.json"


class CertificateCatalogueError(ValueError):
    """The certificate catalogue file is malformed."""


class CertStatus(StrEnum):
    CERTIFIED = "certified"
    EXPIRED = "expired"
    APPLIED = "applied"
    AUDIT_SCHEDULED = "audit_scheduled"
    SUSPENDED = "suspended"


# The only status under which a certificate counts towards a requirement.
COUNTING_STATUS = CertStatus.CERTIFIED


@dataclass(frozen=True, slots=True)
class Ladder:
    """Levels of one scheme; a higher level satisfies a lower one (ZED Bronze < Silver < Gold)."""

    family: str
    level: int


@dataclass(frozen=True, slots=True)
class CertificateType:
    code: str
    name: str
    short_name: str
    issuer_type: str
    signals: str
    validity_years: int
    categories: tuple[str, ...]
    aliases: tuple[str, ...]
    ladder: Ladder | None = None


class HeldCertificateLike(Protocol):
    # Read-only: the engine's frozen HeldCertificate and the app's records both fit.
    @property
    def code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def valid_until(self) -> date | None: ...


Held = TypeVar("Held", bound=HeldCertificateLike)


@dataclass(frozen=True)
class CertificateCatalogue:
    version: int
    certificates: tuple[CertificateType, ...]
    _by_code: Mapping[str, CertificateType] = field(repr=False, compare=False)
    _by_alias: Mapping[str, str] = field(repr=False, compare=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.certificates)

    def get(self, code: str) -> CertificateType:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown certificate code {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def display_name(self, code: str) -> str:
        """The short name people use ("IATF 16949"), or the code itself when unknown."""
        known = self._by_code.get(code)
        return known.short_name if known else code

    def code_for(self, text: str) -> str | None:
        """The catalogue code a written name stands for ("ISO 9001:2015" -> "ISO9001"), if any."""
        return self._by_alias.get(_alias_key(text))

    def satisfies(self, held_code: str, required_code: str) -> bool:
        """Whether holding ``held_code`` meets a requirement for ``required_code``."""
        if held_code == required_code:
            return True
        held, required = self._by_code.get(held_code), self._by_code.get(required_code)
        if held is None or required is None or held.ladder is None or required.ladder is None:
            return False
        return (
            held.ladder.family == required.ladder.family
            and held.ladder.level >= required.ladder.level
        )

    def codes_satisfying(self, required_code: str) -> tuple[str, ...]:
        """Every code whose holder meets ``required_code`` (itself, and higher ladder levels)."""
        found = tuple(c.code for c in self.certificates if self.satisfies(c.code, required_code))
        return found or (required_code,)

    def matching_certificate(
        self,
        held: Iterable[Held],
        required_code: str,
        needed_by: date,
    ) -> Held | None:
        """The held certificate that meets ``required_code`` on ``needed_by``, if any.

        Prefers the exact code over a higher ladder level, then the latest expiry.
        """
        counting = [
            cert
            for cert in held
            if self.satisfies(cert.code, required_code)
            and counts_on(cert.status, cert.valid_until, needed_by)
        ]
        if not counting:
            return None
        return max(counting, key=lambda c: (c.code == required_code, c.valid_until))


def counts_on(status: str, valid_until: date | None, needed_by: date) -> bool:
    """Whether a certificate with this status and expiry counts on ``needed_by``.

    Only ``certified`` counts, and only if it is still valid on that day (an expiry on the
    day itself is still valid). A certificate without an expiry date cannot be checked, so
    it does not count.
    """
    return status == COUNTING_STATUS and valid_until is not None and valid_until >= needed_by


def satisfies(held_code: str, required_code: str) -> bool:
    """``CertificateCatalogue.satisfies`` on the default catalogue."""
    return default_catalogue().satisfies(held_code, required_code)


def load_certificates(path: str | Path | None = None) -> CertificateCatalogue:
    """Read a certificate catalogue; by default ``certificates.json`` in the seeds folder."""
    source = Path(path) if path is not None else seeds_dir() / CERTIFICATES_FILE
    with source.open(encoding="utf-8") as handle:
        data = json.load(handle)
    try:
        return parse_certificates(data)
    except CertificateCatalogueError as error:
        raise CertificateCatalogueError(f"{source}: {error}") from None


@lru_cache(maxsize=1)
def default_catalogue() -> CertificateCatalogue:
    """The seeds catalogue, read once per process."""
    return load_certificates()


_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def parse_certificates(data: Mapping) -> CertificateCatalogue:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CertificateCatalogueError("'version' must be an integer")
    raw_list = data.get("certificates")
    if not isinstance(raw_list, list) or not raw_list:
        raise CertificateCatalogueError("needs a non-empty list 'certificates'")

    certificates = []
    for raw in raw_list:
        code = raw.get("code") if isinstance(raw, Mapping) else None
        if not isinstance(code, str) or not _CODE.match(code):
            raise CertificateCatalogueError(f"malformed certificate code: {code!r}")
        validity = raw.get("validity_years")
        if not isinstance(validity, int) or validity <= 0:
            raise CertificateCatalogueError(f"{code}: validity_years must be a positive integer")
        ladder = raw.get("ladder")
        if ladder is not None:
            if not (
                isinstance(ladder, Mapping)
                and isinstance(ladder.get("family"), str)
                and isinstance(ladder.get("level"), int)
            ):
                raise CertificateCatalogueError(
                    f"{code}: ladder needs a family and an integer level"
                )
            ladder = Ladder(family=ladder["family"], level=ladder["level"])
        certificates.append(
            CertificateType(
                code=code,
                name=_text(raw, "name", code),
                short_name=str(raw.get("short_name") or raw["name"]).strip(),
                issuer_type=_text(raw, "issuer_type", code),
                signals=_text(raw, "signals", code),
                validity_years=validity,
                categories=tuple(raw.get("categories", [])),
                aliases=tuple(raw.get("aliases", [])),
                ladder=ladder,
            )
        )

    by_code: dict[str, CertificateType] = {}
    for cert in certificates:
        if cert.code in by_code:
            raise CertificateCatalogueError(f"duplicate certificate code {cert.code!r}")
        by_code[cert.code] = cert

    ladder_levels = [(c.ladder.family, c.ladder.level) for c in certificates if c.ladder]
    if len(ladder_levels) != len(set(ladder_levels)):
        raise CertificateCatalogueError("two certificates share a ladder level")

    by_alias: dict[str, str] = {}
    for cert in certificates:
        for alias in (cert.code, cert.short_name, *cert.aliases):
            owner = by_alias.setdefault(_alias_key(alias), cert.code)
            if owner != cert.code:
                raise CertificateCatalogueError(
                    f"alias {alias!r} names both {owner} and {cert.code}"
                )

    return CertificateCatalogue(
        version=version,
        certificates=tuple(certificates),
        _by_code=MappingProxyType(by_code),
        _by_alias=MappingProxyType(by_alias),
    )


def _text(raw: Mapping, key: str, code: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CertificateCatalogueError(f"{code}: '{key}' is required")
    return value.strip()


def _alias_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())
