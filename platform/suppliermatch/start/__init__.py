"""Each role's start page: what to do next, gathered from the features' own services."""
