"""Services of periodic figures: source pulls, the reporting calendar and its reminders, measure
status reports and webhooks. Actors in ``workers/actors`` call these; so will the GraphQL API."""
