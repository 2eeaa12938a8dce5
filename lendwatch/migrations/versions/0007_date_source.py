"""Where each article's date came from (feed, sitemap, jsonld, meta, script, byline, url, relative, none).

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.add_column("articles", sa.Column("date_source", sa.String(20)))
