"""In-app and e-mail notifications through an outbox table."""
