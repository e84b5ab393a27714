"""Cluster dashboards and match reports for coordinators."""
