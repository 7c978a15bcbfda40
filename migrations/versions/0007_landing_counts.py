"""landing_counts: landings counted per day, campaign and source / medium, in place of one row per
visit with a visitor id (the rows are summed into the counts, then dropped)

Revision ID: 0007
Revises: 0006
"""
from collections import Counter
from datetime import datetime

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _channel(row) -> tuple[str, str, str]:
    """The funnel's (campaign, source, medium) of a landing row, as portal code reads a touch."""
    campaign = row.campaign_code or row.utm_campaign or "(none)"
    if row.utm_source:
        return campaign, row.utm_source, row.utm_medium or "(none)"
    if row.gclid:
        return campaign, "google", "cpc"
    if row.ref:
        return campaign, row.ref, "partner"
    if row.referrer_host:
        return campaign, row.referrer_host, "referral"
    return campaign, "(direct)", "(none)"


def upgrade():
    counts = op.create_table(
        'landing_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('campaign', sa.String(length=100), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('medium', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day', 'campaign', 'source', 'medium'),
    )
    op.create_index('ix_landing_counts_day', 'landing_counts', ['day'])
    bind = op.get_bind()
    landings = sa.table('landings', *(sa.column(name) for name in (
        'at', 'campaign_code', 'utm_source', 'utm_medium', 'utm_campaign', 'gclid', 'ref',
        'referrer_host')))
    summed = Counter()
    for row in bind.execute(sa.select(landings)):
        at = datetime.fromisoformat(row.at) if isinstance(row.at, str) else row.at  # SQLite
        summed[(at.date(), *_channel(row))] += 1
    if summed:
        op.bulk_insert(counts, [
            {"day": day, "campaign": campaign[:100], "source": source[:100],
             "medium": medium[:100], "count": n}
            for (day, campaign, source, medium), n in summed.items()])
    with op.batch_alter_table('landings') as batch_op:
        batch_op.drop_index('ix_landings_campaign_code')
        batch_op.drop_index('ix_landings_visitor')
        batch_op.drop_index('ix_landings_at')
    op.drop_table('landings')


def downgrade():
    op.create_table(
        'landings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('visitor', sa.String(length=32), nullable=False),
        sa.Column('campaign_code', sa.String(length=40), nullable=True),
        *(sa.Column(name, sa.String(length=100), nullable=True) for name in (
            'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content')),
        sa.Column('gclid', sa.String(length=100), nullable=True),
        sa.Column('ref', sa.String(length=40), nullable=True),
        sa.Column('path', sa.String(length=200), nullable=True),
        sa.Column('referrer_host', sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_landings_at', 'landings', ['at'])
    op.create_index('ix_landings_visitor', 'landings', ['visitor'])
    op.create_index('ix_landings_campaign_code', 'landings', ['campaign_code'])
    op.drop_index('ix_landing_counts_day', table_name='landing_counts')
    op.drop_table('landing_counts')
