"""content store: documents, revisions per language, live pointers, publications, approvals, generation

Revision ID: 0006
Revises: 0004 (the lead re-chains the heads at the merge)
Create Date: 2026-12-01 07:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pending_action', sa.String(length=20), nullable=False),
    sa.Column('review_step', sa.Integer(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('section', 'slug', name='uq_content_document_page')
    )
    op.create_table('content_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('content_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('minor', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['base_revision_id'], ['content_revision.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['content_document.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_content_revision_document_id', 'content_revision', ['document_id'], unique=False)
    op.create_table('content_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('round_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['content_document.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_content_approval_document_id', 'content_approval', ['document_id'], unique=False)
    op.create_table('content_language',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('head_revision_id', sa.Integer(), nullable=False),
    sa.Column('live_revision_id', sa.Integer(), nullable=True),
    sa.Column('shipped_revision_id', sa.Integer(), nullable=True),
    sa.Column('translation_stale', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['content_document.id'], ),
    sa.ForeignKeyConstraint(['head_revision_id'], ['content_revision.id'], ),
    sa.ForeignKeyConstraint(['live_revision_id'], ['content_revision.id'], ),
    sa.ForeignKeyConstraint(['shipped_revision_id'], ['content_revision.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'lang')
    )
    op.create_table('content_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['content_document.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_content_publication_document_id', 'content_publication', ['document_id'], unique=False)


def downgrade():
    op.drop_index('ix_content_publication_document_id', table_name='content_publication')
    op.drop_table('content_publication')
    op.drop_table('content_language')
    op.drop_index('ix_content_approval_document_id', table_name='content_approval')
    op.drop_table('content_approval')
    op.drop_index('ix_content_revision_document_id', table_name='content_revision')
    op.drop_table('content_revision')
    op.drop_table('content_generation')
    op.drop_table('content_document')
