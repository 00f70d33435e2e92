"""`python -m ui.cli`: the command line without the installed script."""

import sys

from ui.cli import main

sys.exit(main())
