"""policy content retired through the API: an end date, nothing deleted

Revision ID: b7e3c1d90a42
Revises: fdbfa6e35c36
Create Date: 2026-12-01 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e3c1d90a42"
down_revision: str | None = "fdbfa6e35c36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("policy_document", "action_line", "measure", "target", "distribution_rule")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("retired_on", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("retired_on")
