"""Services: every operation of the platform, once, grouped by domain. The only writers of the
database; they audit every change and queue follow-up jobs through the outbox by job name.
HTTP routes, GraphQL resolvers, CLI commands and actors are thin callers of these."""
