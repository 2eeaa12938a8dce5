"""What each saved alert has seen and sent (``lendwatch alert``).

Revision ID: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "alert_stories",
        sa.Column("alert", sa.String(200), primary_key=True),
        sa.Column("story_id", sa.Integer, primary_key=True),
        sa.Column("seen_at", sa.String(40), nullable=False),
        sa.Column("sent_at", sa.String(40)),
        sa.Column("baseline", sa.Boolean, nullable=False),
    )
