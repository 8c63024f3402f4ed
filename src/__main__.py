"""`python -m outpost` runs the same command as `outpost`."""

import sys

from outpost.cli import main

sys.exit(main())
