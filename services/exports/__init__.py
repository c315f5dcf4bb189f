"""What the exports and the open-data package hold: the lists' rows, read like the GraphQL lists."""
