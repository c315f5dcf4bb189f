"""Settings and the few types every layer shares (the acting principal, the clock, the domain
vocabularies as enums). The bottom of the import graph: imports no other package of ours."""
