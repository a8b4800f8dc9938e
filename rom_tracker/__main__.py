import sys

from rom_tracker.cli import main

sys.exit(main())
