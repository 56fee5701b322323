"""``python -m fleetform_app_server``: the app container's command (see ``supervisor``)."""

import sys

from .supervisor import main

sys.exit(main())
