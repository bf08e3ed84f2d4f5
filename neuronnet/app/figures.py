"""The one door to matplotlib: a bare Agg Figure, and a PNG written atomically.

matplotlib is an optional extra (``python -m pip install ".[plot]"``): the model and the training
loop run without it, so it is imported only when a figure is drawn, and its absence is reported
as :class:`MissingExtraError` with the command that installs it.

Every figure is drawn on a ``matplotlib.figure.Figure`` with the Agg (PNG raster) canvas,
never through pyplot. Why: pyplot keeps a global list of open figures (a loop drawing one per
epoch leaks them unless each is closed) and has a global backend; switching it to Agg with
``matplotlib.use`` would silently break the interactive plots of a notebook that imported this
module. A bare Figure belongs to no one and can open no window.

Each file is written atomically (a temporary file in the same folder, then a rename), so an
interrupted run never leaves a half-written PNG under the final name; and never through a
symbolic link found at its name: the plot names are fixed (``iris-curves.png``), so a link planted
in the plot folder could otherwise aim the write at any file the user can write. The rename
replaces the link itself; the file it pointed to is left as it was.

Text that comes from data or from the caller (class names, titles) is drawn with
:data:`LITERAL`: as it is, never parsed as mathtext or TeX (a class folder named ``$\\frac{$``
would fail the drawing, and ``$x$`` would show as an italic x).
"""
import os
import secrets
import stat

from ..guards.signals import signals_deferred

PNG = ".png"
DPI = 110
# Text properties that show a string as it is, whatever the rcParams say.
LITERAL = {"parse_math": False, "usetex": False}
INSTALL_HINT = ('python -m pip install matplotlib (or, from a checkout of the repository, '
                'python -m pip install ".[plot]")')


class MissingExtraError(ImportError):
    """A feature needs an optional extra that is not installed; the message says which."""


def new_figure(**kwargs):
    """A new Figure attached to an Agg canvas (matplotlib imported here, on first use)."""
    try:
        # The package itself first: with "matplotlib" blocked or absent this fails even when a
        # submodule such as matplotlib.figure is still cached in sys.modules.
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise MissingExtraError("plotting needs matplotlib, the optional extra 'plot': "
                                f"{INSTALL_HINT}") from error
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas
    return fig


def wrapped(text, figure, fontsize, share=1.0):
    """``text`` broken into lines that fit ``share`` of the figure's width at ``fontsize``
    (points; a character is taken as 0.6 of the size, wide for most fonts' average), so that
    a long title from the caller wraps instead of running off the page."""
    import textwrap
    columns = max(20, int(share * figure.get_figwidth() * 72 / (0.6 * fontsize)))
    return "\n".join("\n".join(textwrap.wrap(line, columns)) or line
                     for line in str(text).split("\n"))


def check_available():
    """Raise MissingExtraError now, not after training, when matplotlib is missing."""
    new_figure()


def save(fig, path):
    """Write the figure to ``path`` as a PNG, atomically (:func:`write_replacing`); returns
    ``path``."""
    write_replacing(path, lambda file: fig.savefig(file, format="png", dpi=DPI))
    return path


def write_replacing(path, write):
    """Call ``write(file)`` on a new temporary file beside ``path``, then rename it to ``path``:
    the complete new file there, or nothing changed. Unlike a model's save
    (``neuronnet.io.write_atomically``), a symbolic link at ``path`` is not followed: the rename
    replaces the link, and the file it pointed to stays untouched. The temporary file is made
    with O_EXCL, so a link planted under its name is never followed either. A file replaced
    keeps its permissions; SIGINT, SIGTERM and SIGHUP wait until the write is done."""
    path = os.fspath(path)
    with signals_deferred():
        fd, temporary = _new_temporary(path)
        try:
            with os.fdopen(fd, "wb") as file:
                write(file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            try:
                os.remove(temporary)
            except FileNotFoundError:
                pass
            raise


def _new_temporary(path):
    try:
        found = os.lstat(path)   # the entry itself, not what a link points to
        mode = stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else None
    except OSError:
        mode = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        # .NAME.tmp-XXXXXXXX, as a model's save names its own.
        temporary = os.path.join(os.path.dirname(path),
                                 f".{os.path.basename(path)}.tmp-{secrets.token_hex(4)}")
        try:
            fd = os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            os.chmod(temporary, mode)
        return fd, temporary
    raise FileExistsError(f"{path}: no free temporary name beside it after 100 tries")
