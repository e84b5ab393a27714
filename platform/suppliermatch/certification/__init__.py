"""Certificates from intention to expiry, their evidence, verification and readiness."""
