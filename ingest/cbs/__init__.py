"""CBS StatLine: URLs of its OData feeds, its key codes, how its tables map onto our indicators,
and its figures as submission rows (pure, no network)."""
