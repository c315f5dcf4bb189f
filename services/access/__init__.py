"""Who may do what: API tokens, resolving a request's credentials, per-token rate limits and the
installation's secret key."""
