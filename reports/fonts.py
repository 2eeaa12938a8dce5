"""The CJK font for charts, registered with matplotlib by file path.

The font ships inside the ``mplfonts`` package, so charts render the same on any
machine without a system font. Nothing is changed globally: :func:`chart_rc`
returns rcParams for use with ``matplotlib.rc_context``.
"""

from functools import lru_cache
from importlib import resources
from pathlib import Path

from matplotlib import font_manager

FONT_FILE = "NotoSansCJKsc-Regular.otf"


class FontError(Exception):
    """The bundled CJK font cannot be found."""


def font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC font."""
    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE))
    except ModuleNotFoundError as exc:  # pragma: no cover - dependency missing
        raise FontError("the mplfonts package is not installed; it provides the CJK chart font") from exc
    if not path.is_file():  # pragma: no cover
        raise FontError(f"CJK font not found at {path}")
    return path


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the font with matplotlib (once) and return its family name."""
    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chart_rc() -> dict:
    """rcParams for every chart: the CJK font, print-size text, stable output."""
    return {
        "font.family": [font_name()],
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "axes.unicode_minus": False,
        "svg.hashsalt": "lendwatch",
        "path.simplify": False,
    }
