"""Data feeds of the source registry: their per-kind configuration and cron schedules (pure)."""
