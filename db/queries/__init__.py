"""Query functions (repositories) per area: the only place the API builds SQL.

List queries return a :class:`~db.queries.listing.Listing` (a filtered, ordered statement that
pages by keyset cursor); relation lookups take many keys at once so DataLoaders can batch them.
"""
