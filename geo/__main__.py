"""``python -m geo <command>``."""

import sys

from geo.cli import main

if __name__ == "__main__":
    sys.exit(main())
