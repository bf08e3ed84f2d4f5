"""Writing a file atomically: the complete new file at its path, or nothing changed there.

Why: a crash half-way through writing straight onto the target would leave a broken file where
a good one was. So a save writes a temporary file next to the target and renames it over the
target only once every byte is on disk.
"""
import os
import tempfile


def check_output_path(path, suffix, name="path"):
    """The path as a str, once it names a ``suffix`` file in an existing directory. Errors
    name the argument ``name`` (the command line passes its option, ``--save``)."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"{name}: got {path!r}; expected a file name (str or os.PathLike)") \
            from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    # No suffix is appended for the user (np.savez would): the file must be where they said.
    if not path.endswith(suffix):
        raise ValueError(f"{name}: got {path!r}; expected a file name ending in {suffix!r}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"{name}: the folder {directory!r} of {path!r} does not exist; "
                         "expected an existing folder (create it first)")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` on a new temporary file in ``path``'s directory, then put that file
    at ``path`` in one step. On any exception the temporary file is removed and the exception
    re-raised: ``path`` keeps its old content (or stays absent), never a partial one.

    Why the same directory: ``os.replace`` is atomic only within one file system, and a
    temporary directory elsewhere (``/tmp``) may be another one.

    The temporary file is ``.<name>.tmp-XXXXXXXX`` beside ``path`` (hidden, and named after the
    target, so a user can tell what it was for). A process killed mid-write (SIGKILL, a power
    cut) runs no cleanup, so such a file can be left behind; ``path`` itself is still the old
    file or the new one, whole. A leftover temporary file is incomplete and safe to delete.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=temporary_prefix(path))
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            # Hazard: without flush + fsync the rename can reach the disk before the data does,
            # and a power cut then leaves an empty or partial file under the final name.
            file.flush()
            os.fsync(file.fileno())
        # Hazard: mkstemp creates the file readable by its owner only (0600); a model or a
        # figure is no secret, so give it the mode a plain open() would have.
        os.chmod(temporary, _plain_file_mode())
        os.replace(temporary, path)
    except BaseException:
        # BaseException: a KeyboardInterrupt mid-write must not leave a stray temporary file.
        _remove_quietly(temporary)
        raise
    _sync_directory(directory)


def temporary_prefix(path):
    """``.<name>.tmp-``: how the temporary files of a save to ``path`` begin (mkstemp adds
    eight random letters, digits or underscores)."""
    return f".{os.path.basename(path)}.tmp-"


def _plain_file_mode():
    """0o666 minus the process's umask: the permissions ``open(path, "w")`` would give."""
    # Hazard: the umask can only be read by setting it; another thread creating a file in
    # between these two calls would get umask 0. Saving models is not a concurrent business.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # os.replace already moved it, or mkstemp's file was never there


def _sync_directory(directory):
    """Make the rename itself durable (POSIX); best effort, since some systems refuse it."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: directories cannot be opened for fsync
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

