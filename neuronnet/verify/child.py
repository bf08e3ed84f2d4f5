"""The process a checked submission runs in: it imports the file, builds networks and answers
calls, arrays in and arrays out over a pipe, and decides nothing (isolation.py is the parent).

Run as ``python -I child.py REQUESTS REPLIES`` (two file descriptors). It needs only the
standard library and numpy (and, with a ``--style``, that style's ready adapter): nothing the
verdict depends on is imported here, so a submission that patches neuronnet or the reference
patches only its own copies. Its stdout and
stderr are the parent's stderr: what the submission prints never reaches the report.

Each message is 8 bytes of length, then 4 bytes of header length, a JSON header, and the
arrays it names, each as a ``.npy`` file (never pickled). See :func:`encode`.
"""
import importlib.util
import io
import json
import os
import struct
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np

TEXT_LIMIT = 2000      # characters of a message or traceback sent back


def encode(value, blobs):
    """JSON-ready form of a returned value; arrays go to ``blobs`` as .npy bytes."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return {"other": f"array of dtype {value.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(value), allow_pickle=False)
        blobs.append(buffer.getvalue())
        # A read-only array arrives read-only: a network that writes into what it was handed
        # raises in its own process, as it would in the parent's.
        return {"npy": len(blobs) - 1, "readonly": not value.flags.writeable}
    if isinstance(value, (bool, np.bool_)):
        return {"bool": bool(value)}
    if isinstance(value, (int, float, np.integer, np.floating)):
        return {"num": float(value), "dtype": np.asarray(value).dtype.name}
    if isinstance(value, (list, tuple)):
        return {"list": [encode(v, blobs) for v in value], "tuple": isinstance(value, tuple)}
    if value is None:
        return None
    return {"other": type(value).__name__}


def decode(value, blobs):
    """The inverse of :func:`encode` for what the parent sends: arrays, lists, numbers."""
    if isinstance(value, dict) and "npy" in value:
        array = np.load(io.BytesIO(blobs[value["npy"]]), allow_pickle=False)
        if value.get("readonly"):
            array.setflags(write=False)
        return array
    if isinstance(value, dict) and "list" in value:
        items = [decode(v, blobs) for v in value["list"]]
        return tuple(items) if value.get("tuple") else items
    if isinstance(value, dict) and "num" in value:
        return int(value["num"]) if value["dtype"].startswith("int") else value["num"]
    if isinstance(value, dict) and "bool" in value:
        return value["bool"]
    return value


def write_message(fd, header, blobs=()):
    text = json.dumps(header).encode()
    body = struct.pack(">I", len(text)) + text + b"".join(
        struct.pack(">Q", len(b)) + b for b in blobs)
    data = struct.pack(">Q", len(body)) + body
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_exactly(fd, n, wait=None):
    """``n`` bytes from ``fd``; ``wait()``, if given, is called before each read (the parent
    waits there, up to its time limit: replies.py)."""
    chunks, left = [], n
    while left:
        if wait is not None:
            wait()
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(fd):
    """(header, blobs) of the next message on ``fd``."""
    (size,) = struct.unpack(">Q", read_exactly(fd, 8))
    return parse_body(read_exactly(fd, size))


def parse_body(body):
    """(header, blobs) of a message's body: the JSON header and the arrays' bytes."""
    (n,) = struct.unpack(">I", body[:4])
    header = json.loads(body[4:4 + n])
    blobs, at = [], 4 + n
    while at < len(body):
        (length,) = struct.unpack(">Q", body[at:at + 8])
        blobs.append(body[at + 8:at + 8 + length])
        at += 8 + length
    return header, blobs


def _traceback_text(exc):
    """The traceback, as far as it can be told: reading a frame's source may itself be refused
    (a frame in a module the grade forbids), and a message's ``__str__`` may fail."""
    try:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except BaseException:  # noqa: BLE001 - any failure here is the submission's
        frames = traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__),
                                                lookup_lines=False)
        return "".join(f"  File {f.filename!r}, line {f.lineno}, in {f.name}\n"
                       for f in frames) + type(exc).__name__ + "\n"


def _raised(exc):
    text = _traceback_text(exc)
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a __str__ that fails is the submission's
        message = f"<{type(exc).__name__} whose message could not be shown>"
    return {"raised": type(exc).__name__, "message": message[:TEXT_LIMIT],
            "traceback": text[-TEXT_LIMIT:]}


def _unbindable(build):
    """The signature of a ``build`` that cannot take (layer_sizes, activations, loss), or None."""
    import inspect
    try:
        signature = inspect.signature(build)
    except (TypeError, ValueError):   # no signature to read: the calls will tell
        return None
    try:
        signature.bind([1, 1], ["identity"], "half_mse")
    except TypeError:
        return str(signature)
    return None


def _keywords(build):
    """The names ``build`` takes by keyword (the checker looks among them for its penalty's:
    contract.penalty_keyword); none when its signature cannot be read or it takes **kwargs."""
    import inspect
    try:
        parameters = inspect.signature(build).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _answer(request, state):
    op = request["op"]
    if op == "load":
        path = Path(request["path"])
        style = request.get("style")
        if style:
            # The ready adapter (neuronnet.verify.adapters) is ours: it is loaded before the
            # rules are in place, and turns the module into a ``build`` below.
            from neuronnet.verify.adapters import adapter_for
            adapt = adapter_for(style)
        from neuronnet.verify import sandbox
        forbid = list(request.get("forbid") or ())
        sandbox.install(forbid, state["blocked"])
        # What is already loaded would be imported again without a word: the checker's own
        # modules leave sys.modules, so the submission finds the process as `python FILE`
        # leaves it, and a forbidden import of them is seen. (Not with an adapter, whose code
        # is the checker's and still needs them: neuronnet's other modules stay refused.)
        if not style:
            for name in [m for m in sys.modules if m.split(".", 1)[0] in ("neuronnet",
                                                                          "hypothesis")]:
                del sys.modules[name]
        sys.argv = [str(path)]   # the process looks like `python FILE`, not like a checker's
        sys.path.insert(0, str(path.parent))
        spec = importlib.util.spec_from_file_location("_checked_submission", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - SystemExit at import is the finding
            frames = traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__),
                                                    lookup_lines=False)
            lines = [f for f in frames if Path(f.filename).resolve() == path.resolve()]
            line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else \
                (lines[-1].lineno if lines else None)
            return {**_raised(exc), "line": line}, []
        if style:
            try:
                state["build"] = adapt(module)
            except BaseException as exc:  # noqa: BLE001 - the module does not fit the style
                return {**_raised(exc), "adapting": True}, []
            return {"loaded": "callable", "signature": None,
                    "keywords": _keywords(state["build"]),
                    "one_hot": bool(state["build"].one_hot),
                    "assumes": str(state["build"].assumes)}, []
        state["build"] = getattr(module, request["name"], None)
        kind = "missing" if state["build"] is None else \
            ("callable" if callable(state["build"]) else type(state["build"]).__name__)
        return {"loaded": kind, "signature": _unbindable(state["build"]),
                "keywords": _keywords(state["build"]) if kind == "callable" else []}, []
    if op == "build":
        try:
            net = state["build"](*request["args"], **request.get("kwargs", {}))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            return _raised(exc), []
        state["nets"][state["next"]] = net
        state["next"] += 1
        methods = [m for m in request["methods"] if callable(getattr(net, m, None))]
        return {"id": state["next"] - 1, "type": type(net).__name__, "methods": methods}, []
    if op == "call":
        net = state["nets"][request["id"]]
        args = [decode(a, state["blobs"]) for a in request["args"]]
        kwargs = {k: decode(v, state["blobs"]) for k, v in request["kwargs"].items()}
        with warnings.catch_warnings(record=True) as caught, \
                np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                value = getattr(net, request["method"])(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                reply = _raised(exc)
                value = None
            else:
                reply = {}
        said = [[type(w.message).__name__, str(w.message)[:TEXT_LIMIT]] for w in caught]
        blobs = []
        if "raised" not in reply:
            reply["value"] = encode(value, blobs)
        reply["warnings"] = said[:20]
        return reply, blobs
    if op == "drop":
        for k in request["ids"]:
            state["nets"].pop(k, None)
        return {"dropped": len(request["ids"])}, []
    return {"raised": "ValueError", "message": f"unknown request {op!r}"}, []


def serve(requests, replies):
    state = {"build": None, "nets": {}, "next": 0, "blobs": [], "blocked": []}
    while True:
        try:
            request, state["blobs"] = read_message(requests)
        except EOFError:
            return
        reply, blobs = _answer(request, state)
        reply["blocked"] = list(state["blocked"])   # the forbidden imports tried so far
        write_message(replies, reply, blobs)


if __name__ == "__main__":
    # The neuronnet this file belongs to, which is the checker's (a checkout on PYTHONPATH,
    # which -I leaves out, included): its adapters and rules, not another installed copy's.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    serve(int(sys.argv[1]), int(sys.argv[2]))
