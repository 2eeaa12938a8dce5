"""The library errors that mean bad usage or configuration (exit code 2 at the CLI)."""

from crawler.config import ConfigError
from lendwatch.migrations import SchemaError
from lendwatch.store import StoreError

USAGE_ERRORS = (ConfigError, SchemaError, StoreError)
