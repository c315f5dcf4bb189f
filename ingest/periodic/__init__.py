"""Periodic figures: the source registry and what a pull turns into (pure, no network)."""
