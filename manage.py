#!/usr/bin/env python
"""Django's entry point; `socredit` (socredit/cli.py) is the same with a product-level help."""

import sys

from socredit.cli import main

if __name__ == "__main__":
    sys.exit(main())
