"""Keeping stored progress fresh: reads the engine's inputs from the database, derives commitments,
recomputes targets and writes snapshots. The pure engine is ``progress_engine``."""
