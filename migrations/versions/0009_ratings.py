"""好差评 ratings and the follow-ups of bad ratings; 12345 hotline tickets; a move to a different kind
of recipient waiting for the requester's consent

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 08:25:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_move', sa.JSON(), nullable=True))
    op.create_table('rating',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('request_id', sa.Integer(), nullable=False),
                    sa.Column('level', sa.String(length=20), nullable=False),
                    sa.Column('comment', sa.Text(), nullable=False),
                    sa.Column('first_rated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('request_id'))
    op.create_table('rating_follow_up',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('request_id', sa.Integer(), nullable=False),
                    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('closed_by', sa.String(length=100), nullable=True),
                    sa.Column('action_taken', sa.Text(), nullable=False),
                    sa.Column('called_back', sa.Boolean(), nullable=True),
                    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('request_id'))


    op.create_table('hotline_ticket',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('ticket_number', sa.String(length=40), nullable=False),
                    sa.Column('request_id', sa.Integer(), nullable=False),
                    sa.Column('recorded_by', sa.String(length=100), nullable=False),
                    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('request_id'),
                    sa.UniqueConstraint('ticket_number'))


def downgrade():
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_column('pending_move')
    op.drop_table('hotline_ticket')
    op.drop_table('rating_follow_up')
    op.drop_table('rating')
