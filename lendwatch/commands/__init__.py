"""The subcommands, one module per family; ``COMMANDS`` is what the CLI registers."""

from lendwatch.commands.alert import alert
from lendwatch.commands.analyze import analyze, tag
from lendwatch.commands.browse import COMMANDS as BROWSE_COMMANDS
from lendwatch.commands.crawl import check_sources, crawl, reextract
from lendwatch.commands.data import export, extract
from lendwatch.commands.models import COMMANDS as MODEL_COMMANDS
from lendwatch.commands.report import report
from lendwatch.commands.sample import demo, run, sandbox

COMMANDS = [demo, run, crawl, check_sources, reextract, analyze, report, export, extract, tag, alert, sandbox, *BROWSE_COMMANDS,
            *MODEL_COMMANDS]
