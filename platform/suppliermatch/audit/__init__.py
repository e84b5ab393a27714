"""The audit trail of state changes and security events."""
