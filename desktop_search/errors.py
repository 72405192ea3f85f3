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


class DiskFull(UserError):
    """The disk holding the index is full; the last transaction was rolled back."""


class ReadOnlyIndex(UserError):
    """The index cannot be written: read-only media, file or mount."""


class EmbeddingServerDown(UserError):
    """A remote embedding server does not answer; indexing waits and resumes, nothing is lost."""


class AlreadyRunning(DatabaseLocked):
    """Another Desktop Search process is indexing this data folder."""


class SettingsError(UserError):
    """settings.json cannot be read or holds a value of the wrong kind."""


class SchemaTooNew(UserError):
    """The index was written by a newer version of the app."""
