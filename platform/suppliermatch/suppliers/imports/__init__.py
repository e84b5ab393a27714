"""Bulk onboarding: a coordinator's spreadsheet read, checked row by row and imported."""
