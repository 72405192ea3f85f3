"""Allow `python -m desktop_search`."""

from desktop_search.cli import main

raise SystemExit(main())
