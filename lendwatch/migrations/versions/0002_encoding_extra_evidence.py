"""Schema 2: the page's encoding, article extras, analysis evidence.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("pages", sa.Column("encoding", sa.String(40)))
    op.add_column("articles", sa.Column("extra", sa.JSON))
    op.add_column("analyses", sa.Column("evidence", sa.JSON))
    op.execute("UPDATE schema_version SET version = 2")
