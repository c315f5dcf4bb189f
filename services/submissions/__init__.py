"""Partner submissions: receiving, validating against the database, review, and the versioned apply of
their rows as observations; follow-up jobs are queued through the outbox by name."""
