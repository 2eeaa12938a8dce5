"""The PDF form of the report: the HTML printed by WeasyPrint, the CJK font embedded via @font-face."""

import logging
from pathlib import Path


class PdfError(Exception):
    """WeasyPrint is missing or cannot print the report."""


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` (self-contained: images inline, font by file URL) to ``path``."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango or its libraries missing
        raise PdfError(f"PDF output needs WeasyPrint (pip install 'weasyprint>=62'): {exc}") from exc
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting is chatty at INFO
    HTML(string=html).write_pdf(path, uncompressed_pdf=False)
    return path
