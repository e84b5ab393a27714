"""Enterprises registered twice: found with their evidence, reviewed, merged or dismissed."""
