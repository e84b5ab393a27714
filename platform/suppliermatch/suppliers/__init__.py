"""MSME supplier profiles: enterprise, capabilities, equipment, bulk import, search."""
