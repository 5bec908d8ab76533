"""Site health: link-check runs and results, stale-column e-mails sent, problem reports, reply-clock
escalations, reviewers' confirmations of serious words

Revision ID: 0012
Revises: 0015
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0015'  # was '0009'; re-chained after merging main (issue 19's 0011)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_check_run',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('checked', sa.Integer(), nullable=False),
                    sa.Column('broken', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_table('link_result',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('run_id', sa.Integer(), nullable=False),
                    sa.Column('url', sa.Text(), nullable=False),
                    sa.Column('internal', sa.Boolean(), nullable=False),
                    sa.Column('outcome', sa.String(length=10), nullable=False),
                    sa.Column('status', sa.Integer(), nullable=True),
                    sa.Column('redirect_to', sa.Text(), nullable=True),
                    sa.Column('detail', sa.String(length=300), nullable=False),
                    sa.Column('pages', sa.JSON(), nullable=False),
                    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['run_id'], ['site_check_run.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_link_result_run_outcome', 'link_result', ['run_id', 'outcome'], unique=False)
    op.create_table('column_notice',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('column', sa.String(length=40), nullable=False),
                    sa.Column('cycle', sa.String(length=40), nullable=False),
                    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('column', 'cycle', name='uq_column_notice_cycle'))
    op.create_table('problem_report',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('page_path', sa.String(length=300), nullable=False),
                    sa.Column('lang', sa.String(length=5), nullable=False),
                    sa.Column('what', sa.Text(), nullable=False),
                    sa.Column('email', sa.String(length=254), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('hard_due_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('answered_by', sa.String(length=100), nullable=True),
                    sa.Column('answer_note', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_problem_report_open', 'problem_report', ['answered_at', 'due_at'], unique=False)
    op.create_table('reply_escalation',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('item_kind', sa.String(length=20), nullable=False),
                    sa.Column('item_id', sa.Integer(), nullable=False),
                    sa.Column('stage', sa.String(length=10), nullable=False),
                    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('item_kind', 'item_id', 'stage', name='uq_reply_escalation'))
    op.create_table('content_term_confirmation',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('revision_id', sa.Integer(), nullable=False),
                    sa.Column('term', sa.String(length=200), nullable=False),
                    sa.Column('reason', sa.Text(), nullable=False),
                    sa.Column('reviewer_id', sa.Integer(), nullable=False),
                    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['revision_id'], ['content_revision.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['reviewer_id'], ['staff_user.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('revision_id', 'term', name='uq_term_confirmation'))


def downgrade():
    op.drop_table('content_term_confirmation')
    op.drop_table('reply_escalation')
    op.drop_index('ix_problem_report_open', table_name='problem_report')
    op.drop_table('problem_report')
    op.drop_table('column_notice')
    op.drop_index('ix_link_result_run_outcome', table_name='link_result')
    op.drop_table('link_result')
    op.drop_table('site_check_run')
