"""A spy for the command line's tests: it replaces a function, records each call, and stops the
run there (the rest of the run is not needed to see what reached the function)."""
from threadpoolctl import threadpool_info


class Reached(Exception):
    """Raised by a spy once it has seen what it waits for: the rest of the run is not needed."""


def spy(monkeypatch, module, name, stop=True):
    """Replace ``module.name`` by a function that records its calls (and the BLAS threads at
    the time), then stops the run, or calls the real one."""
    calls, real = [], getattr(module, name)

    def fake(*args, **kwargs):
        threads = [pool["num_threads"] for pool in threadpool_info()
                   if pool.get("user_api") == "blas"]
        calls.append(dict(args=args, kwargs=kwargs, threads=threads))
        if stop:
            raise Reached
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, fake)
    return calls
