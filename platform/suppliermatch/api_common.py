"""Pieces every list shares, JSON or page: pagination by page / per_page, strict schemas."""

import json
import math

import marshmallow as ma
from sqlalchemy import Select, func, select
from sqlmodel import Session

MAX_PER_PAGE = 100
# The last page number anyone may ask for: far beyond any real list, and small enough that
# its OFFSET fits every database's integer (a larger one was a 500 on SQLite and PostgreSQL).
MAX_PAGE = 100_000


class PageArgs(ma.Schema):
    """Query arguments ``page`` and ``per_page`` (at most 100)."""

    class Meta:
        # Query strings carry the endpoint's own filters too; those have their own schema.
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(
        load_default=20, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )


PAGINATION_HEADER = "X-Pagination"


def requested_page(args, *, last: int = MAX_PAGE) -> int:
    """The ``page`` query argument of an HTML list, clamped to 1..last (a page shows the
    nearest list page rather than an error for a page number out of range)."""
    return min(max(args.get("page", 1, type=int) or 1, 1), last)


def pagination_header(total: int, page: int, per_page: int) -> dict:
    """The X-Pagination header, in the shape flask-smorest documents for its own pager."""
    pages = max(1, math.ceil(total / per_page))
    meta = {"total": total, "total_pages": pages, "first_page": 1, "last_page": pages, "page": page}
    if page > 1:
        meta["previous_page"] = page - 1
    if page < pages:
        meta["next_page"] = page + 1
    return {PAGINATION_HEADER: json.dumps(meta)}


def paginate(session: Session, statement: Select, page: int, per_page: int):
    """Run ``statement`` for one page; return (rows, header dict)."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = list(session.exec(statement.limit(per_page).offset((page - 1) * per_page)))
    return rows, pagination_header(total, page, per_page)


def paginate_list(items: list, page: int, per_page: int):
    start = (page - 1) * per_page
    return items[start : start + per_page], pagination_header(len(items), page, per_page)
