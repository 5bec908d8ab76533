"""The public change note of a reviewed unpublish, per language, kept while it waits for review

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_notes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('content_document', schema=None) as batch_op:
        batch_op.drop_column('pending_notes')
