"""Supplier matching: the engine (``matching.engine``, no Flask, no database) and what the
app and the benchmarks build around it (loading from the database, the per-worker index
cache, the API and pages, the benchmark commands and their tooling).
"""
