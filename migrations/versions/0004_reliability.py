"""reliability: encrypted pending passwords and retry schedule

Revision ID: 0004
Revises: 0003
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signup_attempts') as batch:
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('secret', sa.Text(), nullable=True))
        batch.add_column(sa.Column('request_json', sa.Text(), nullable=True))
        batch.create_index('ix_signup_attempts_next_attempt_at', ['next_attempt_at'])
    with op.batch_alter_table('trading_account_requests') as batch:
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('maybe_sent', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.create_index('ix_trading_account_requests_next_attempt_at', ['next_attempt_at'])


def downgrade():
    with op.batch_alter_table('trading_account_requests') as batch:
        batch.drop_index('ix_trading_account_requests_next_attempt_at')
        batch.drop_column('maybe_sent')
        batch.drop_column('next_attempt_at')
    with op.batch_alter_table('signup_attempts') as batch:
        batch.drop_index('ix_signup_attempts_next_attempt_at')
        batch.drop_column('request_json')
        batch.drop_column('secret')
        batch.drop_column('password_hash')
        batch.drop_column('next_attempt_at')
