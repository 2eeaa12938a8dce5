"""Outputs written whole or not at all: to a temporary name beside the target, then renamed.

A kill or an error while writing leaves the earlier file (or folder) as it was, never a
truncated one. :class:`Staged` does this for several files and folders that belong together
(a report and its ``-files/`` folder): nothing is renamed into place until all are complete.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path


def _temporary(path: Path, tag: str = "tmp") -> Path:
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _put_in_place(temporary: Path, path: Path) -> None:
    """Rename ``temporary`` to ``path``; a folder already there is moved aside first, then removed."""
    if temporary.is_dir() and path.is_dir():
        aside = _temporary(path, "old")
        _remove(aside)
        path.rename(aside)
        temporary.rename(path)
        shutil.rmtree(aside)
    else:
        os.replace(temporary, path)


@contextmanager
def open_bytes(path: Path):
    """``open(path, "wb")`` whose file appears at ``path`` only when the block ends without error."""
    path = Path(path)
    temporary = _temporary(path)
    try:
        with temporary.open("wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_bytes(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, atomically."""
    path = Path(path)
    temporary = _temporary(path)
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_text(path: Path, text: str) -> None:
    """``path.write_text(text)`` in UTF-8 with ``\\n`` line ends, atomically."""
    write_bytes(path, text.encode("utf-8"))


class Staged:
    """Files and folders written under temporary names (:meth:`path`) and renamed into place together
    when the ``with`` block ends without error; on an error they are removed and the old ones stay."""

    def __init__(self):
        self.moves: list[tuple[Path, Path]] = []

    def path(self, final: Path) -> Path:
        """Where to write what will become ``final``."""
        final = Path(final)
        temporary = _temporary(final)
        _remove(temporary)
        self.moves.append((temporary, final))
        return temporary

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            for temporary, final in self.moves:
                if temporary.exists():
                    _put_in_place(temporary, final)
        for temporary, _ in self.moves:
            _remove(temporary)
        return False
