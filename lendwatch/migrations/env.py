"""Alembic's environment: migrate on the connection ``lendwatch.migrations`` hands over."""

from alembic import context

from lendwatch import schema

context.configure(connection=context.config.attributes["connection"], target_metadata=schema.metadata,
                  transaction_per_migration=True, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
