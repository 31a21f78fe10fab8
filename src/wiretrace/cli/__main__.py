"""`python -m wiretrace.cli`: the `wiretrace` command."""

import sys

from wiretrace.cli import main

sys.exit(main())
