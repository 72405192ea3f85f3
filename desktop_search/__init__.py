"""Desktop Search: private, offline semantic search over your own folders."""

__version__ = "0.1.0"
