"""Event registrations (issue 19): one row per registration, and the per-event row registrations
lock so that the capacity holds under concurrent registrations

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 10:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_seats',
                    sa.Column('slug', sa.String(length=120), nullable=False),
                    sa.Column('next_position', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('slug'))
    op.create_table('event_registration',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('event_slug', sa.String(length=120), nullable=False),
                    sa.Column('lang', sa.String(length=5), nullable=False),
                    sa.Column('token', sa.String(length=64), nullable=False),
                    sa.Column('status', sa.String(length=12), nullable=False),
                    sa.Column('position', sa.Integer(), nullable=False),
                    sa.Column('slot', sa.Integer(), nullable=True),
                    sa.Column('applicant_kind', sa.String(length=20), nullable=False),
                    sa.Column('organisation', sa.String(length=200), nullable=False),
                    sa.Column('credit_code', sa.String(length=18), nullable=True),
                    sa.Column('contact_name', sa.String(length=100), nullable=False),
                    sa.Column('phone', sa.String(length=20), nullable=False),
                    sa.Column('email', sa.String(length=254), nullable=False),
                    sa.Column('contact_key', sa.String(length=254), nullable=False),
                    sa.Column('answers', sa.JSON(), nullable=False),
                    sa.Column('share_with_banks', sa.Boolean(), nullable=False),
                    sa.Column('sms_consent', sa.Boolean(), nullable=False),
                    sa.Column('privacy_version', sa.String(length=20), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('attended_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('rating_level', sa.String(length=20), nullable=True),
                    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('anonymized_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('event_slug', 'contact_key', name='uq_event_registration_contact'),
                    sa.UniqueConstraint('token'))
    op.create_index('ix_event_registration_event_status', 'event_registration', ['event_slug', 'status'])


def downgrade():
    op.drop_index('ix_event_registration_event_status', table_name='event_registration')
    op.drop_table('event_registration')
    op.drop_table('event_seats')
