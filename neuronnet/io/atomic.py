"""Writing a file atomically: the complete new file at its path, or nothing changed there.

Why: a crash half-way through writing straight onto the target would leave a broken file where
a good one was. So a save writes a temporary file next to the target and renames it over the
target only once every byte is on disk.
"""
import errno
import itertools
import os
import secrets
import stat

from ..guards import signals_deferred


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
    if os.path.basename(path) == suffix:
        raise ValueError(f"{name}: got {path!r}; expected a name before {suffix!r}, e.g. "
                         f"model{suffix}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"{name}: the folder {directory!r} of {path!r} does not exist; "
                         "expected an existing folder (create it first)")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` on a new temporary file in ``path``'s folder, then put that file at
    ``path`` in one step. On any exception the temporary file is removed and the exception
    re-raised: ``path`` keeps its old content (or stays absent), never a partial one.

    Why the same folder: ``os.replace`` is atomic only within one file system, and a temporary
    folder elsewhere (``/tmp``) may be another one.

    - The temporary file is ``.<name>.tmp-XXXXXXXX`` beside ``path`` (hidden, and named after
      the target, so a user can tell what it was for). A process killed mid-write (SIGKILL, a
      power cut) runs no cleanup, so such a file can be left behind; ``path`` itself is still the
      old file or the new one, whole. A leftover temporary file is incomplete and safe to delete.
    - A file that is replaced keeps its permissions; a new one gets those of a plain ``open``
      (0o666 less the umask, applied by the system: the umask is never changed, not even for a
      moment).
    - A symbolic link is followed: the file it points to is replaced and the link stays a link.
    - SIGINT, SIGTERM and SIGHUP wait until the write is done (on POSIX): a second Ctrl-C while a
      model is being saved cannot leave the save half done; it is handled right after.
    - Only a regular file is replaced: a FIFO, a device node or a folder at ``path`` (or at the
      end of its link) raises OSError and stays as it was.
    """
    path = os.path.realpath(path)  # a symlink: write the file it points to
    directory = os.path.dirname(path)
    with signals_deferred():
        fd, temporary = _create_temporary(path)
        try:
            _write_whole(fd, write)
            kind = _kind(path)
            if kind is not None:  # made since the command checked it
                raise OSError(errno.EINVAL, f"{kind} is there, not a regular file", path)
            os.replace(temporary, path)
        except BaseException:
            # BaseException: an interrupt mid-write must not leave a stray temporary file.
            _remove_quietly(temporary)
            raise
        _sync_directory(directory)


def write_new(path, word, write):
    """Like :func:`write_atomically`, but never over an existing file: the file goes to
    ``path`` when nothing is there (not even a link), else beside it as ``NAME.<word>.npz``,
    ``NAME.<word>.2.npz``, ... (``path`` ends in ``.npz``; the first free name). Returns the
    name used. The whole file is made under a temporary name first, then given the free name
    by a hard link, which fails rather than replace a file made meanwhile."""
    path = os.fspath(path)
    stem = path[:-len(".npz")] if path.endswith(".npz") else path
    names = itertools.chain([path, f"{stem}.{word}.npz"],
                            (f"{stem}.{word}.{k}.npz" for k in range(2, 10000)))
    with signals_deferred():
        fd, temporary = _create_temporary(path)
        try:
            _write_whole(fd, write)
            for name in names:
                if _claim(temporary, name):
                    break
            else:
                raise FileExistsError(f"{path}: no free name beside it for the {word} model")
        finally:
            # BaseException included: an interrupt mid-write must not leave a stray temporary.
            _remove_quietly(temporary)
        _sync_directory(os.path.dirname(os.path.abspath(path)))
    return name


def check_target(path, name="path"):
    """Refuse (ValueError naming ``name``) a ``path`` that holds something a save must not
    replace: anything but a regular file or a link to one. Nothing there is fine (a new file;
    a dangling link: the file it points to is made)."""
    try:
        kind = _kind(path)
    except OSError as error:
        if error.errno != errno.ELOOP:
            return  # a name too long, a folder that cannot be searched: the probe says so
        raise ValueError(f"{name}: got {os.fspath(path)!r}, a loop of links; expected a "
                         "regular file (or a link to one) or a new file name") from None
    if kind == "a folder":
        raise ValueError(f"{name}: got {os.fspath(path)!r}, which is a folder; expected a file "
                         "name")
    if kind is not None:
        raise ValueError(f"{name}: got {os.fspath(path)!r}, which is {kind}; expected a regular "
                         "file (or a link to one) or a new file name")


def probe_writable(path, name="path"):
    """Create and remove the temporary file a write to ``path`` would use: a real probe that
    the folder can be written and the name is not too long, before hours of work are spent.
    ValueError naming ``name`` and the path otherwise; a folder, a FIFO or a device at ``path``
    is refused too (:func:`check_target`)."""
    check_target(path, name)
    try:
        fd, temporary = _create_temporary(os.path.realpath(path))
    except OSError as error:
        raise ValueError(f"{name}: {os.fspath(path)!r} cannot be written ({error.strerror}); "
                         "expected a file name in a folder you can write to") from None
    os.close(fd)
    _remove_quietly(temporary)


def probe_folder(folder, name="path"):
    """Create and remove a temporary file in ``folder`` itself: the probe of a folder the
    program will write files into (``--plot``). Unlike :func:`probe_writable` of a file in it,
    it looks at no name in the folder, so a link planted there is never followed. ValueError
    naming ``name`` when the folder cannot be written."""
    try:
        fd, temporary = _create_temporary(os.path.join(folder, ".neuronnet-probe"))
    except OSError as error:
        raise ValueError(f"{name}: the folder {os.fspath(folder)!r} cannot be written "
                         f"({error.strerror}); expected a folder you can write to") from None
    os.close(fd)
    _remove_quietly(temporary)


def temporary_prefix(path):
    """``.<name>.tmp-``: how the temporary files of a save to ``path`` begin (eight random
    letters and digits follow)."""
    return f".{os.path.basename(path)}.tmp-"


def _create_temporary(path):
    """(fd, name) of a new, empty temporary file beside ``path``: the permissions of the file
    it replaces, or of a plain ``open`` when there is none."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    for _ in range(100):
        temporary = os.path.join(os.path.dirname(path),
                                 temporary_prefix(path) + secrets.token_hex(4))
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            os.chmod(temporary, mode)
        return fd, temporary
    raise FileExistsError(f"{path}: no free temporary name beside it after 100 tries")


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket")]


def _kind(path):
    """None for nothing at ``path`` (or a dangling link) or a regular file (or a link to one);
    else what is there, in words ("a FIFO (named pipe)")."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _write_whole(fd, write):
    """``write(file)`` on the open temporary file ``fd``, then every byte on disk."""
    with os.fdopen(fd, "wb") as file:
        write(file)
        # Hazard: without flush + fsync the rename can reach the disk before the data does,
        # and a power cut then leaves an empty or partial file under the name.
        file.flush()
        os.fsync(file.fileno())


def _claim(temporary, name):
    """Give the whole ``temporary`` file the ``name``, unless something is there: True if done.
    A hard link fails on any existing name; where the file system has none, the name is
    reserved by an exclusive create and the temporary file renamed over the reservation."""
    try:
        os.link(temporary, name)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # no hard links here (some network and FAT file systems)
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666))
    except FileExistsError:
        return False
    os.replace(temporary, name)
    return True


def _remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # os.replace already moved it


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

