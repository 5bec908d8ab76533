"""SMS as a second outbox channel: channel, template and parameters on outbox rows, the per-number
daily count, and the requester's separate SMS consent; the honest first-response clock

Revision ID: 0007
Revises: 0004 (the merge re-chains the heads)
Create Date: 2026-12-01 07:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        # Every row before this revision is an e-mail.
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('template', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_consent_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('sms_stopped_at', sa.DateTime(timezone=True), nullable=True))
    # The first response is the first message to the requester, no longer the accept click: each
    # request's first response becomes its earliest reply since its current institution received it
    # (the latest placement), and none where there was only an accept.
    op.execute("""
        UPDATE assistance_request SET first_response_at = (
            SELECT MIN(reply.created_at) FROM audit_event reply
            WHERE reply.request_id = assistance_request.id AND reply.action = 'replied'
              AND reply.created_at >= COALESCE(
                  (SELECT MAX(placed.created_at) FROM audit_event placed
                   WHERE placed.request_id = assistance_request.id AND placed.action = 'assigned'),
                  assistance_request.created_at))
        WHERE first_response_at IS NOT NULL
    """)
    op.create_table('sms_daily_count',
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('phone', 'day')
    )


def downgrade():
    # The accept-based first responses are not restored: the honest ones stay.
    op.drop_table('sms_daily_count')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_column('sms_stopped_at')
        batch_op.drop_column('sms_consent_version')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('template')
        batch_op.drop_column('channel')
