"""Imported MSMEs take over their profiles: invitations by link, claims by code."""
