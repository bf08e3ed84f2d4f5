"""The planar datasets (xor, moons, circles, the spiral): every point where its docstring's
draws put it, the noise the last draw and only when asked, and the labels half and half."""
import numpy as np
import pytest

from neuronnet.training.planar import make_circles, make_moons, make_spiral, make_xor

MAKERS = [make_xor, make_moons, make_circles, make_spiral]


def test_circles_lie_on_their_two_radii_at_the_angles_drawn():
    # The docstring's draws: n angles uniform on [0, 2 pi), class 0 on radius 1 and class 1 on
    # ``inner``; without noise every point lies exactly there, computed as written.
    X, y = make_circles(200, np.random.default_rng(3), noise=0.0, inner=0.3)
    angle = np.random.default_rng(3).uniform(0.0, 2 * np.pi, 200)
    radius = np.where(y == 0, 1.0, 0.3)
    assert np.array_equal(X, np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=rf"^inner: got {bad}; expected "):
            make_circles(10, np.random.default_rng(0), inner=bad)


def test_moons_are_two_arcs_at_the_angles_drawn():
    # The docstring: n angles uniform on [0, pi]; class 0 on the upper unit arc around (0, 0),
    # class 1 on the lower unit arc around (1, 0.5). Without noise, exactly there.
    X, y = make_moons(101, np.random.default_rng(6), noise=0.0)
    angle = np.random.default_rng(6).uniform(0.0, np.pi, 101)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    assert np.array_equal(X[y == 0], upper[y == 0]) and np.array_equal(X[y == 1], lower[y == 1])
    assert (X[y == 0, 1] >= 0).all() and (X[y == 1, 1] <= 0.5).all()


def test_xor_and_spiral_are_where_their_draws_put_them():
    # Without noise, exactly the docstrings' points: xor at the corners its sign draws pick
    # (class 1 on the anti-diagonal), the spiral's arms at the drawn positions along them.
    X, y = make_xor(40, np.random.default_rng(7), noise=0.0)
    sign = np.where(np.random.default_rng(7).integers(0, 2, 40) == 1, 1.0, -1.0)
    assert np.array_equal(X, np.column_stack([sign, np.where(y == 0, sign, -sign)]))
    assert set(map(tuple, X[y == 0])) == {(1.0, 1.0), (-1.0, -1.0)}
    assert set(map(tuple, X[y == 1])) == {(1.0, -1.0), (-1.0, 1.0)}
    X, y = make_spiral(60, np.random.default_rng(8), noise=0.0, turns=1.25)
    s = np.random.default_rng(8).uniform(0.0, 1.0, 60)
    angle, radius = 2 * np.pi * 1.25 * s + np.pi * y, 0.1 + 0.9 * s
    assert np.array_equal(X, np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    with pytest.raises(ValueError, match=r"^turns: got -1.0; expected "):
        make_spiral(10, np.random.default_rng(0), turns=-1.0)
    make_spiral(10, np.random.default_rng(0), turns=0.5)         # under one turn is allowed


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("n", [2, 7, 10])
def test_the_noise_is_the_last_draw_added_to_every_coordinate_and_only_when_asked(make, n):
    # Drawn without noise, then the same generator's next n x 2 standard normals, scaled: that
    # is the noise. With noise 0 nothing more is drawn: the generator is left where the
    # noise-free draws left it, so a seed gives the same later draws either way.
    clean_rng, noisy_rng = np.random.default_rng(5), np.random.default_rng(5)
    clean, y = make(n, clean_rng, noise=0.0)
    after_clean = clean_rng.bit_generator.state
    noisy, y_noisy = make(n, noisy_rng, noise=0.3)
    assert np.array_equal(y, y_noisy), (y, y_noisy)
    assert list(y) == [0] * (n // 2) + [1] * (n - n // 2), y
    want = clean + 0.3 * clean_rng.standard_normal((n, 2))
    assert np.array_equal(noisy, want), f"\n got: {noisy}\nwant: {want}"
    assert noisy_rng.bit_generator.state == clean_rng.bit_generator.state
    again = np.random.default_rng(5)
    make(n, again, noise=0.0)
    assert again.bit_generator.state == after_clean


@pytest.mark.parametrize("make", MAKERS)
def test_two_points_are_enough_for_a_planar_dataset(make):
    X, y = make(2, np.random.default_rng(0))
    assert X.shape == (2, 2), X.shape
    assert list(y) == [0, 1], y
