"""signup_attempts.send_times: when each create-account request of an attempt left, so recovery
adopts only an Account the broker created during one of them

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signup_attempts') as batch:
        batch.add_column(sa.Column('send_times', sa.Text(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('signup_attempts') as batch:
        batch.drop_column('send_times')
