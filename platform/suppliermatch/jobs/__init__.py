"""Background work: a job queue (huey) with its worker, and the periodic jobs' schedule.

``queue`` builds the queue from configuration, ``schedule`` is the one list of periodic
jobs, ``service`` records each job a person started (state, progress, report, error).
"""
