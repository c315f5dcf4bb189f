"""drop ix_observation_current: it duplicates the unique constraint's index

Every read of it is an equality on ``cell_key`` (the current version of given cells for one
source), and the unique constraint (cell_key, source_organisation_id, version) has an index that
starts with ``cell_key`` too; a cell has a handful of versions, so the same reads use that index
at the same cost while each observation written maintains one index less (README, Performance).

Revision ID: 7c1e5a9d3b42
Revises: b7e3c21f9a40
Create Date: 2026-12-01 16:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c1e5a9d3b42"
down_revision: str | None = "b7e3c21f9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_current")


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index("ix_observation_current", ["cell_key", "superseded_at"], unique=False)
