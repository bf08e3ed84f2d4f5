"""The two errors of the file part: a bad data file and a bad model file.

Both are ``ValueError``s, so code that catches bad values in general catches these too, and
both messages name the file, what was found and what was expected."""


class DataError(ValueError):
    """A data file (or folder) is missing, unreadable, or holds something other than expected.
    The one error type every reader raises for bad files and contents."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file (and the member, where
    one is at fault), what was found and what was expected."""
