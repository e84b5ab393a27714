"""Finding suppliers by what people type, from an in-memory word index kept fresh per process."""
