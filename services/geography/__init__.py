"""Changes to the geography: municipal mergers (herindeling)."""
