"""figures: covering indexes for tickets received and due, and events by kind and time with their ticket;
the figures' cache (stats_day, stats_day_done, stats_month, stats_month_done, stats_cache_state)

Revision ID: c4f1a9e27b3d
Revises: f0e218cd6733
Create Date: 2026-11-29 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e27b3d'
down_revision = 'f0e218cd6733'
branch_labels = None
depends_on = None


COUNTERS = ["received", "dispatched", "responded", "rated", "solved", "satisfied", "due", "on_time", "closed",
            "handling_workdays", "returned", "extensions", "extensions_approved"]


def upgrade():
    def counts(key):
        return [key, sa.Column('department_id', sa.Integer(), nullable=False),
                sa.Column('category_id', sa.Integer(), nullable=False),
                *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS[:9]],
                sa.Column('handling_seconds', sa.Float(), nullable=False),
                *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS[9:]]]

    op.create_table('stats_day', *counts(sa.Column('day', sa.String(length=10), nullable=False)),
                    sa.PrimaryKeyConstraint('day', 'department_id', 'category_id', name=op.f('pk_stats_day')))
    op.create_table('stats_day_done', sa.Column('day', sa.String(length=10), nullable=False),
                    sa.PrimaryKeyConstraint('day', name=op.f('pk_stats_day_done')))
    op.create_table('stats_month', *counts(sa.Column('month', sa.String(length=7), nullable=False)),
                    sa.PrimaryKeyConstraint('month', 'department_id', 'category_id', name=op.f('pk_stats_month')))
    op.create_table('stats_month_done', sa.Column('month', sa.String(length=7), nullable=False),
                    sa.PrimaryKeyConstraint('month', name=op.f('pk_stats_month_done')))
    op.create_table('stats_cache_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('recent', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_cache_state'))
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_received_department_category',
                              ['received_at', 'department_id', 'category_id'], unique=False)
        batch_op.create_index('ix_ticket_deadline_figures',
                              ['deadline_at', 'department_id', 'category_id', 'status', 'closed_at', 'paused_at'],
                              unique=False)
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_event_kind_at_ticket', ['kind', 'at', 'ticket_id'], unique=False)


def downgrade():
    op.drop_table('stats_cache_state')
    op.drop_table('stats_month_done')
    op.drop_table('stats_month')
    op.drop_table('stats_day_done')
    op.drop_table('stats_day')
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_event_kind_at_ticket')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_deadline_figures')
        batch_op.drop_index('ix_ticket_received_department_category')
