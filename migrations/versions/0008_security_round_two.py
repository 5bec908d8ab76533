"""security round two: request versions (compare-and-set), tracking miss counters, staff second factor

Revision ID: 0008
Revises: 0004 (the lead re-chains the heads at the merge)
Create Date: 2026-12-01 07:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recovery_hashes', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('track_misses', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('track_locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('recovery_hashes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_column('track_locked_until')
        batch_op.drop_column('track_misses')
        batch_op.drop_column('version')
