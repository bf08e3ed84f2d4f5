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
interrupted run never leaves a half-written PNG under the final name.
"""
from ..io import write_atomically

PNG = ".png"
DPI = 110
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


def check_available():
    """Raise MissingExtraError now, not after training, when matplotlib is missing."""
    new_figure()


def save(fig, path):
    """Write the figure to ``path`` as a PNG, atomically; returns ``path``."""
    write_atomically(path, lambda file: fig.savefig(file, format="png", dpi=DPI))
    return path
