"""Organisations, users, sign-up, login and API tokens."""
