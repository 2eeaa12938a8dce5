"""List pages' ETag / Last-Modified, sent back so an unchanged list costs a 304.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "list_validators",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("seen_at", sa.String(40), nullable=False),
    )
