"""polars, loaded with its allocator told to give freed memory back to the system at once.

polars allocates through its own jemalloc, which by default keeps freed pages for ten seconds
before returning them. A worker validating a file batch by batch frees a batch's frames every
few milliseconds, and those pages pile up: validating a 300,000-row file in 5,000-row batches
kept +55 MB of private memory, +16 MB with the pages returned at once (and no slower). The
setting is read once, when polars is first loaded, so every module of ours imports polars from
here (an import contract checks it); an operator's own ``_RJEM_MALLOC_CONF`` wins.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

import polars as pl

__all__ = ["pl"]
