"""Periodic figures: source pulls, the reporting calendar and its reminders, webhooks."""
