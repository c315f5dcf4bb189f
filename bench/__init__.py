"""Benchmarks at national scale: a deterministic data generator (``bench.generator``) and the
measurements of ingestion, GraphQL queries and recomputation (``bench.run``)."""
