"""marketing: attribution, partners, campaigns, landings

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _utm_columns():
    return [sa.Column(name, sa.String(length=100), nullable=True)
            for name in ('utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content')]


def upgrade():
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('trading_account_uuid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('offer_uuid', sa.String(length=64), nullable=True),
    *_utm_columns(),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('allow_hidden', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('landings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=False),
    sa.Column('campaign_code', sa.String(length=40), nullable=True),
    *_utm_columns(),
    sa.Column('gclid', sa.String(length=100), nullable=True),
    sa.Column('ref', sa.String(length=40), nullable=True),
    sa.Column('path', sa.String(length=200), nullable=True),
    sa.Column('referrer_host', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('landings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_landings_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_landings_visitor'), ['visitor'], unique=False)
        batch_op.create_index(batch_op.f('ix_landings_campaign_code'), ['campaign_code'],
                              unique=False)

    op.create_table('signup_attributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('visitor', sa.String(length=32), nullable=True),
    sa.Column('campaign_code', sa.String(length=40), nullable=True),
    sa.Column('partner_code', sa.String(length=40), nullable=True),
    sa.Column('ib_parent_trading_account_uuid', sa.String(length=64), nullable=True),
    sa.Column('lead_source', sa.String(length=64), nullable=True),
    sa.Column('first_touch', sa.JSON(), nullable=False),
    sa.Column('last_touch', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['signup_attempts.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['portal_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id'),
    sa.UniqueConstraint('user_id')
    )


def downgrade():
    op.drop_table('signup_attributions')
    with op.batch_alter_table('landings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_landings_campaign_code'))
        batch_op.drop_index(batch_op.f('ix_landings_visitor'))
        batch_op.drop_index(batch_op.f('ix_landings_at'))

    op.drop_table('landings')
    op.drop_table('campaigns')
    op.drop_table('partners')
