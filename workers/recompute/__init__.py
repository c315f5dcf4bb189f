"""Keeping stored progress fresh: the database side of the progress engine."""
