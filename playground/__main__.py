"""`python -m playground` (what `make demo` runs): the demo in a browser, see playground/demo.py."""
import sys

from playground.demo import main

sys.exit(main())
