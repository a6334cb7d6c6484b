#!/usr/bin/env python
"""Django's command-line utility; `techbridge` (see techbridge/cli.py) is the same entry point."""
from techbridge.cli import main

if __name__ == "__main__":
    main()
