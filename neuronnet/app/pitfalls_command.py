"""``neuronnet pitfalls``: the catalogue on the command line.

    neuronnet pitfalls                       every pitfall: id, seed, what goes wrong
    neuronnet pitfalls show ID               one pitfall in full: the bug, the fix, the property
    neuronnet pitfalls demo ID [--plot DIR]  the buggy and the fixed component side by side

As every command: ``add_arguments(parser)`` and ``main(args, out)``, which returns the exit
status; ``run(args, out)`` carries it out and returns what it showed (the tests read it).
"""
import argparse
import textwrap

from ..pitfalls import CATALOGUE, PROPERTIES, get
from ..pitfalls.counterexamples import COUNTEREXAMPLES
from . import stops
from .options import add_common_options, seed_of

WIDTH = 96

DESCRIPTION = """\
The pitfall catalogue: the classic mistakes of hand-written backpropagation, found in the seed
documents this project starts from. Each entry says what the code did, why it is wrong, what you
see, and how the fix reads in this project's code; each bug has a buggy variant (a real
component with the mistake put back) that the generic property tests catch.

Without an action: the list. `show ID` explains one entry; `demo ID` trains or runs the buggy
and the fixed component side by side on a small problem and prints the symptom.
"""


HELP = "the catalogue of classic backprop mistakes: the list, show ID, demo ID"
EPILOG = "pitfalls:\n" + "\n".join(
    f"  {p.id:<28} " + textwrap.shorten(p.title, WIDTH - 31, placeholder=" ...")
    for p in CATALOGUE)


def add_arguments(parser):
    """The actions ``show ID`` and ``demo ID``, each with the program's common options."""
    actions = parser.add_subparsers(dest="pitfalls_action", metavar="ACTION")
    parsers = {}
    for action, summary, words in (
            ("show", "one pitfall in full: the bug, the fix, the property that catches it",
             "Explain one pitfall: the source it comes from, what the code did, why it is wrong, "
             "what you see, the buggy and the fixed code, and the generic property that catches "
             "it with the counterexample hypothesis found."),
            ("demo", "the buggy and the fixed component side by side on a small problem",
             "Run the buggy variant and the real component on the same small problem (a few "
             "seconds) and print the measure that shows the symptom: loss curves, "
             "gradient-check errors, accuracies.")):
        parsers[action] = actions.add_parser(
            action, help=summary, description=textwrap.fill(words, WIDTH), epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        parsers[action].add_argument("pitfall_id", metavar="ID",
                                     help="a pitfall id (see the list below)")
        add_common_options(parsers[action], defaults=False)
    parsers["demo"].add_argument(
        "--plot", metavar="DIR", help="also write both curves into DIR/pitfall-ID.png (needs the "
                                      "'plot' extra: matplotlib)")


def main(args, out=print):
    """0: shown (an unknown ID is an error: exit status 2, from the cli)."""
    run(args, out, seed_of(args))
    return 0


def run(args, out=print, seed=0):
    """Carry out ``neuronnet pitfalls ...`` parsed into ``args``; returns what it showed."""
    action = getattr(args, "pitfalls_action", None)
    if action == "show":
        return show(args.pitfall_id, out)
    if action == "demo":
        return demo(args.pitfall_id, getattr(args, "plot", None), seed, out)
    return listing(out)


def listing(out=print):
    bugs = sum(p.kind == "bug" for p in CATALOGUE)
    quirks = sum(p.kind == "quirk" for p in CATALOGUE)
    out(f"{len(CATALOGUE)} pitfalls: {bugs} bugs, each caught by a generic property, "
        f"{quirks} quirks, pinned, and {len(CATALOGUE) - bugs - quirks} warning (right values, "
        "noted)")
    out(f"{'id':<28} {'source':<9} {'kind':<8} what goes wrong")
    for p in CATALOGUE:
        kind = p.kind + ("*" if p.further else "")
        out(f"{p.id:<28} {p.source:<9} {kind:<8} {p.title}")
    out("(* found while building the catalogue, beyond the first survey of the sources)")
    out("neuronnet pitfalls show ID    explains one; neuronnet pitfalls demo ID    shows it")
    return CATALOGUE


def _wrap(text, width):
    # Never break "fine-tuning" or "(p - t)/n" apart: the words are quoted back in tests.
    return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False,
                         break_long_words=False)


def _para(out, head, text):
    out(f"{head}:")
    for line in _wrap(text, WIDTH - 2):
        out(f"  {line}")


def show(pitfall_id, out=print):
    from ..pitfalls.counterexamples import one_line
    from ..pitfalls.docs import snippet, where
    p = get(pitfall_id)
    further = " (found while building the catalogue)" if p.further else ""
    out(f"{p.id}: {p.title}")
    out(f"source {p.source} (docs/sources.md in the repository); {p.kind}{further}; the variant "
        f"replaces the {p.component}")
    out("")
    _para(out, "what the code did", p.did)
    _para(out, "what it means" if p.kind == "quirk" else "why it is wrong", p.why)
    _para(out, "what you see", p.symptom)
    _para(out, "the fix", p.fix)
    if p.notes:
        _para(out, "note", p.notes)
    titles = (("the bug", "the fix, in the real code") if p.kind != "quirk"
              else ("the quirk", "the usual way, in the real code"))
    for title, codes in zip(titles, (p.bug_code, p.fix_code)):
        for code in codes:
            out("")
            out(f"{title} ({where(code)}):")
            for line in snippet(code, p.id).splitlines():
                out(f"    {line}")
    out("")
    verb = {"bug": "caught by", "quirk": "pinned by", "warning": "noted by"}[p.kind]
    for node in p.properties:
        out(f"{verb} {node}")
        for line in _wrap(PROPERTIES[node], WIDTH - 4):
            out(f"    {line}")
    found = COUNTEREXAMPLES.get(p.id)
    if found is not None:
        out("shrunk counterexample (hypothesis):")
        for line in _wrap(one_line(found["example"]), WIDTH - 4):
            out(f"    {line}")
        out(f"  fails with {found['finding']}")
    out(f"see it: neuronnet pitfalls demo {p.id}")
    return p


def demo(pitfall_id, plot=None, seed=0, out=print):
    from ..pitfalls import demo as demos
    p = get(pitfall_id)
    if plot is not None:  # before the runs: the folder, and matplotlib (MissingExtraError)
        from .train_command import check_plot_dir
        check_plot_dir(plot)
    result = demos.run(p.id, seed=seed)
    stops.check()  # a demo stopped by Ctrl-C shows nothing: its runs are not the demo's
    out(f"{p.id}: {p.title}")
    out(f"problem: {result.problem}")
    for line in result.lines:
        out(line)
    better = "lower" if result.lower_is_better else "higher"
    verdict = "the buggy variant is worse" if result.worse else "no difference shown"
    out(f"{result.measure} ({better} is better): buggy {result.buggy:.4g}, fixed "
        f"{result.fixed:.4g}: {verdict}")
    if plot is not None:
        from .pitfall_plots import pitfall_curves
        out(f"plot: {pitfall_curves(result, plot)}")
    return result
