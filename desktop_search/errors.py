"""Errors a person can act on, as opposed to bugs."""


class UserError(Exception):
    """A problem the user can fix; its message says how. Shown without a traceback."""


class FolderError(UserError):
    """A folder given by the user is missing, is a file, or cannot be read."""


class LibraryNotFound(UserError):
    """The named library does not exist."""


class ModelNotAvailable(UserError):
    """The library's model is not on this machine."""


class DatabaseLocked(UserError):
    """Another process holds the index for writing."""
