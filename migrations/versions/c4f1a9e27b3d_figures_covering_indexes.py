"""figures: covering indexes for tickets received and due, and events by kind and time with their ticket

Revision ID: c4f1a9e27b3d
Revises: f0e218cd6733
Create Date: 2026-11-29 05:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4f1a9e27b3d'
down_revision = 'f0e218cd6733'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_received_department_category',
                              ['received_at', 'department_id', 'category_id'], unique=False)
        batch_op.create_index('ix_ticket_deadline_figures',
                              ['deadline_at', 'department_id', 'category_id', 'status', 'closed_at', 'paused_at'],
                              unique=False)
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_event_kind_at_ticket', ['kind', 'at', 'ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_event_kind_at_ticket')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_deadline_figures')
        batch_op.drop_index('ix_ticket_received_department_category')
