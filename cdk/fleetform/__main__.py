"""``python -m fleetform`` runs the CLI."""

import sys

from fleetform.cli import main

sys.exit(main())
