"""``python -m lendwatch``: the same as the ``lendwatch`` command."""

from lendwatch.cli import main

main(prog_name="lendwatch")
