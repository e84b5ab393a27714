"""SupplierMatch: ranks MSME suppliers for the requirements of India's REPM magnet plants.

The application factory, ``create_app``, lives in ``suppliermatch.app`` and is imported on
first use: the matching engine (``suppliermatch.matching.engine.ranking``) and the reference data
then import without Flask or SQLAlchemy.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from suppliermatch.app import create_app

        return create_app
    raise AttributeError(f"module 'suppliermatch' has no attribute {name!r}")
