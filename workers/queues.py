"""The queues: ingestion and computation are consumed by separate worker groups in production."""

INGEST = "ingest"
COMPUTE = "compute"
MAINTENANCE = "maintenance"

ALL = (INGEST, COMPUTE, MAINTENANCE)
