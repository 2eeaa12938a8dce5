"""Generic HTML article extractor: bytes of a news page in, title / date / author / body out.

Modules: settings (ExtractOptions, EXTRACTION_VERSION), encoding (decode_html), dates (parse_date),
html (tree cleaning and the density body finder), metadata (title, author), published (the date and
its source), hints (Hints: what a feed or sitemap says), core (extract),
cli_contract (extract_files for `lendwatch extract`).
"""
from .core import Extracted, ExtractError, extract
from .dates import parse_date
from .encoding import decode_html
from .hints import Hints
from .settings import EXTRACTION_VERSION, ExtractOptions

__all__ = ["EXTRACTION_VERSION", "ExtractError", "ExtractOptions", "Extracted", "Hints", "decode_html",
           "extract", "parse_date"]
