"""Reference and demo data loading (flask seed ...)."""
