"""The matching engine: ranks suppliers for a requirement and explains why.

Pure Python and numpy: no Flask, no database, so it can be benchmarked on its own.
"""
