"""The ``lendwatch`` command: one group, one module per family of subcommands.

Exit codes: 0 done, 1 some inputs failed, 2 bad usage or configuration.
Library errors become clean messages here, at the edge, and nowhere else.
"""

import click

from lendwatch import __version__
from lendwatch.commands import COMMANDS
from lendwatch.errors import USAGE_ERRORS


class BadConfiguration(click.ClickException):
    """A configuration or usage problem found by the library: exit code 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except USAGE_ERRORS as exc:
            raise BadConfiguration(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(__version__, prog_name="lendwatch")
def cli():
    """lendwatch: crawl, analyse and report Chinese news on online-lending debt collection (网贷催收).

    \b
    Start with the demo (serves a sample site on 127.0.0.1, crawls it, writes a report):
      lendwatch demo --out ./lendwatch-demo
    """


for command in COMMANDS:
    cli.add_command(command)

main = cli
