"""security round two, the rest: a second factor's secret waits server-side while it is set up;
attachment names kept before names were cleaned are cleaned as new uploads are

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

from portal.requests.uploads import EXTENSIONS, attachment_name

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('second_factor_enrolment',
                    sa.Column('token_hash', sa.String(length=64), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('secret', sa.String(length=64), nullable=False),
                    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id']),
                    sa.PrimaryKeyConstraint('token_hash'))
    with op.batch_alter_table('second_factor_enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_second_factor_enrolment_user_id'), ['user_id'], unique=False)
    clean_attachment_names(op.get_bind())


def clean_attachment_names(connection):
    """Names stored before uploads.attachment_name existed: without format characters (U+202E
    and the like) and ending in the extension of the type the bytes were checked as. Only the name
    shown and downloaded changes; the stored files keep their random names."""
    attachment = sa.table('attachment', sa.column('id', sa.Integer), sa.column('original_name', sa.String),
                          sa.column('content_type', sa.String))
    rows = connection.execute(sa.select(attachment.c.id, attachment.c.original_name, attachment.c.content_type)
                              .where(attachment.c.content_type.in_(list(EXTENSIONS)))).all()
    for row in rows:
        name = attachment_name(row.original_name or "", row.content_type)
        if name != row.original_name:
            connection.execute(sa.update(attachment).where(attachment.c.id == row.id).values(original_name=name))


def downgrade():
    # The cleaned names stay: the old ones are the problem this revision fixes.
    with op.batch_alter_table('second_factor_enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_second_factor_enrolment_user_id'))
    op.drop_table('second_factor_enrolment')
