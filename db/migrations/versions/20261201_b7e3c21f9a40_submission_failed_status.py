"""submission failed status: a submission whose job kept failing ends as failed, with a reason

Revision ID: b7e3c21f9a40
Revises: b7e3c1d90a42
Create Date: 2026-12-01 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b7e3c21f9a40'
down_revision: str | None = 'b7e3c1d90a42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ('received', 'validating', 'rejected', 'validated', 'approved', 'returned', 'applied')
AFTER = (*BEFORE, 'failed')


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name='submissionstatus', native_enum=False, create_constraint=True, length=32
    )


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_reason', sa.Text(), nullable=True))
        batch_op.alter_column(
            'status', existing_type=_status(BEFORE), type_=_status(AFTER), existing_nullable=False
        )


def downgrade() -> None:
    op.execute("UPDATE submission SET status = 'rejected' WHERE status = 'failed'")
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.alter_column(
            'status', existing_type=_status(AFTER), type_=_status(BEFORE), existing_nullable=False
        )
        batch_op.drop_column('failure_reason')
