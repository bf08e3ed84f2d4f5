"""The rules the submission's process runs under. child.py installs them before it imports the
submission, as an audit hook (PEP 578): no code run afterwards can remove one, and the
interpreter consults it before every import, file opened, process started or signal sent.

Always (a network has no need of any of these, and each is a way to reach the checker):

- no new process: fork, exec, spawn, ``subprocess``, ``os.system``;
- no signal to another process, and no ``/proc/PID/`` of another process (its file
  descriptors: the checker's stdout; its memory);
- no foreign function call through ``ctypes``, and no walk of the garbage collector's objects:
  the two ways to reach these rules' own objects and change them.

While grading (``forbid`` not empty), also:

- no import of a forbidden module (the oracle, an autodiff library), and no read of its files
  (loading one by its path is importing it);
- no file written outside the process's own temporary folder (``TMPDIR``): a classmate's
  folder and the grades stay as they are.

What is refused raises PermissionError (an import: ForbiddenImport, an ImportError) in the
submission's code; a refused import is also noted in ``blocked``, which the checker reads.
"""
import importlib.util
import os
import sys

ALWAYS_REFUSED = frozenset({
    "os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.system", "os.spawn",
    "subprocess.Popen", "pty.spawn", "os.startfile",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function",
    "ctypes.cdata", "gc.get_objects", "gc.get_referrers", "gc.get_referents"})
# The code the submission's process runs of ours: this module, child.py and the ready
# adapters, all in this folder (``verify/``'s own files; the oracle is elsewhere).
OWN_CODE = tuple(os.path.join(os.path.dirname(os.path.realpath(__file__)), name)
                 for name in ("child.py", "sandbox.py", "adapters" + os.sep))
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class ForbiddenImport(ImportError):
    """An import the grader does not allow (``--grade``: the oracle, an autodiff library)."""


def install(forbid=(), blocked=None):
    """Put the rules in place for the rest of this process's life."""
    own = os.getpid()
    names = frozenset(forbid)
    grading = bool(names)
    hidden = tuple(_folders_of(names))   # (folder, module name)
    scratch = os.path.realpath(os.environ.get("TMPDIR", "/nonexistent")) + os.sep
    noted = [] if blocked is None else blocked

    def refuse(what):
        raise PermissionError(f"{what} is not allowed while a network is checked")

    def forbidden(name):
        if name not in noted:
            noted.append(name)
        raise ForbiddenImport(f"importing {name!r} is not allowed while grading (the teacher "
                              f"may allow it with --allow {name})")

    def hook(event, args):
        if event in ALWAYS_REFUSED:
            refuse(event)
        elif event == "import":
            top = str(args[0]).split(".", 1)[0]
            if top in names:
                forbidden(top)
        elif event in ("os.kill", "os.killpg"):
            if args[0] not in (own, 0):
                refuse(f"a signal to process {args[0]}")
        elif event == "open":
            _check_open(args, own, grading, hidden, scratch, refuse, forbidden)

    sys.addaudithook(hook)


def _check_open(args, own, grading, hidden, scratch, refuse, forbidden):
    path, mode, flags = (tuple(args) + (None, None))[:3]
    if isinstance(path, int) or path is None:
        return
    where = os.path.realpath(os.fsdecode(os.fspath(path)))
    parts = where.split(os.sep)
    if len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and int(parts[2]) != own:
        refuse(f"opening {where}")
    if not grading:
        return
    if where.startswith(OWN_CODE):
        return   # the process's own code (its tracebacks read it): no oracle there
    for folder, name in hidden:
        if where == folder or where.startswith(folder + os.sep):
            forbidden(name)   # reading its files is importing it, by path or by name
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
        (isinstance(flags, int) and flags & WRITES)
    if writing and not where.startswith(scratch) and where != os.devnull:
        refuse(f"writing {where}")


def _folders_of(names):
    """(folder, name) of each forbidden module installed here (a single-file module: its
    file)."""
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        for folder in spec.submodule_search_locations or ():
            yield os.path.realpath(folder), name
        if spec.origin and spec.submodule_search_locations is None:
            yield os.path.realpath(spec.origin), name
