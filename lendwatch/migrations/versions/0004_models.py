"""Schema 4: each model's version and measured figures.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("version", sa.String(80), nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("measured_on", sa.Text),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.execute("UPDATE schema_version SET version = 4")
