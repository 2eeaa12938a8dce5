"""The library errors that mean bad usage or configuration (exit code 2 at the CLI)."""

from crawler.config import ConfigError
from lendwatch.db import StoreError
from lendwatch.migrations import SchemaError
from reports.alerts import AlertError

USAGE_ERRORS = (AlertError, ConfigError, SchemaError, StoreError)
