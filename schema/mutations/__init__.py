"""Writes: every mutation returns a union of its success type and the errors a client can act on."""
