"""Allow `python -m desktop_search`."""

try:
    from desktop_search.cli import main
except KeyboardInterrupt:  # Ctrl+C while the command line itself loads: no traceback
    raise SystemExit(130) from None

raise SystemExit(main())
