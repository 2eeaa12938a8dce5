"""Schema 3: complaint records beside their articles.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("complaint_id", sa.String(80), nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("issue", sa.Text),
        sa.Column("appeal", sa.Text),
        sa.Column("amount", sa.Float),
        sa.Column("status", sa.String(40)),
        sa.Column("filed_at", sa.String(40)),
        sa.Column("timeline", sa.JSON, nullable=False),
        sa.UniqueConstraint("platform", "complaint_id"),
    )
    op.execute("UPDATE schema_version SET version = 3")
