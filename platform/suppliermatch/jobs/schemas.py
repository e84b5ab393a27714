"""What crosses HTTP for background jobs."""

import marshmallow as ma


class JobSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "suppliers-import or suppliers-dedup"})
    state = ma.fields.String(metadata={"description": "queued, running, done or failed"})
    rows_done = ma.fields.Integer(metadata={"description": "Rows (or suppliers) done so far"})
    rows_total = ma.fields.Integer(metadata={"description": "Of this many (0 until known)"})
    error = ma.fields.String(
        allow_none=True, metadata={"description": "Why it failed (or why a retry is coming)"}
    )
    result = ma.fields.Dict(allow_none=True, metadata={"description": "The report when done"})
    attempts = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    page_url = ma.fields.String(metadata={"description": "The page that follows the job"})
    status_url = ma.fields.String(metadata={"description": "Poll this for progress"})
    report_url = ma.fields.String(
        allow_none=True, metadata={"description": "The full report, once there is one"}
    )


class PeriodicRunSchema(ma.Schema):
    name = ma.fields.String()
    every_seconds = ma.fields.Integer()
    what = ma.fields.String()
    last_period_start = ma.fields.DateTime(allow_none=True)
    last_finished_at = ma.fields.DateTime(allow_none=True)
    last_summary = ma.fields.String(allow_none=True)


class JobsStatusSchema(ma.Schema):
    queue_depth = ma.fields.Integer(metadata={"description": "Tasks waiting for a worker"})
    scheduled = ma.fields.Integer(metadata={"description": "Retries waiting for their time"})
    by_state = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    failures = ma.fields.List(ma.fields.Nested(JobSchema))
    periodic = ma.fields.List(ma.fields.Nested(PeriodicRunSchema))
