"""How many digits each activation keeps on its tails, in both models.

    python benchmarks/activation_tails.py [--points 20001]

For every activation of both models, the worst relative error of f(z) and of f'(z) against an
exact value (Python's decimal, 50 digits) over an even grid of z on [-745, 40] and on
[-40, 40]; only where the exact value is a normal float (>= 2.2e-308), since a subnormal
result carries fewer than 53 bits by definition. The property that holds the models to this is
tests/book/test_activations.py; its tolerance is TAIL_RTOL in neuronnet/verify/checks/tolerances.py.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from exact import EXACT, TINY, relative_error  # noqa: E402
from models import ACTIVATION_OBJECTS  # noqa: E402


def worst(values, exact, grid):
    errors = [(relative_error(v, exact(z)), z) for v, z in zip(values, grid)
              if abs(exact(z)) >= TINY]
    return max(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20001)
    args = parser.parse_args()
    print(f"{'activation':>20} {'range':>12} {'worst rel. error f (at z)':>30} "
          f"{'worst rel. error f_prime (at z)':>34}")
    for low, high in ((-745.0, 40.0), (-40.0, 40.0)):
        grid = np.linspace(low, high, args.points)
        for key, activation in ACTIVATION_OBJECTS.items():
            f, f_prime = EXACT[key.split("-", 1)[1]]
            e_f, z_f = worst(activation.forward(grid.copy()), f, grid)
            e_d, z_d = worst(activation.derivative_from_z(grid.copy()), f_prime, grid)
            print(f"{key:>20} {f'[{low:g}, {high:g}]':>12} {e_f:>18.2e} (z={z_f:9.3f}) "
                  f"{e_d:>22.2e} (z={z_d:9.3f})", flush=True)


if __name__ == "__main__":
    main()
