"""Part qualification after an award: PPAP or first article inspection, approved suppliers, 8D."""
