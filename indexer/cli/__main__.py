"""`python -m indexer.cli`: the headless subcommands without the window."""

import sys

from indexer.cli import main

sys.exit(main())
