"""Alembic takes over: ``schema_version`` is set past 4, so releases before Alembic refuse the
database as newer instead of writing to a schema they do not know; later revisions leave it.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.execute("UPDATE schema_version SET version = 5")
