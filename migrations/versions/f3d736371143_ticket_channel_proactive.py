"""ticket channel proactive: 主动治理 tasks the hotline starts from a 未诉先办 alert

Revision ID: f3d736371143
Revises: 1ac4b86ce041
Create Date: 2026-11-29 07:52:55.426987

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3d736371143'
down_revision = '1ac4b86ce041'
branch_labels = None
depends_on = None

OLD = "channel IN ('wechat', 'h5', 'phone', 'open311')"
NEW = "channel IN ('wechat', 'h5', 'phone', 'open311', 'proactive')"


def _channels(check: str) -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ticket_channel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_ticket_channel'), check)


def upgrade():
    _channels(NEW)


def downgrade():
    op.execute("UPDATE ticket SET channel = 'phone' WHERE channel = 'proactive'")
    _channels(OLD)
