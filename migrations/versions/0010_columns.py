"""Notices, policy files and interpretations: the published files they carry, and notices in the
alert subscriptions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_attachment',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('token', sa.String(length=32), nullable=False),
                    sa.Column('original_name', sa.String(length=255), nullable=False),
                    sa.Column('content_type', sa.String(length=100), nullable=False),
                    sa.Column('size', sa.Integer(), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('uploaded_by', sa.Integer(), nullable=True),
                    sa.Column('is_demo', sa.Boolean(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['uploaded_by'], ['staff_user.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('token'))
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notices', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_column('notices')
    op.drop_table('public_attachment')
