"""InitializationExplorer: update() against nnlearn computations, in-place redraws (a move draws
only the bars and the title), controls, errors."""

import io

import numpy as np
import pytest

from nnlearn.explore.initialization import (MAX_DEPTH, InitializationExplorer, deep_network,
                                            layer_statistics)
from nnlearn.layers import Activation, Dense

from .layered_checks import _pixels


def test_update_matches_a_forward_and_backward_through_the_network():
    ex = InitializationExplorer()
    r = ex.update(depth=4, width=16, activation="tanh", initializer="xavier_uniform", std=0.01)
    rng = np.random.default_rng(0)
    net = deep_network(4, 16, "tanh", "xavier_uniform", rng=rng)
    X, Y = rng.standard_normal((256, 16)), rng.standard_normal((256, 16))
    out = net.forward(X)
    net.backward(2 * (out - Y) / out.size)
    grads = [np.linalg.norm(layer.grads["W"]) for layer in net.layers if isinstance(layer, Dense)]
    np.testing.assert_allclose(r["grad_norm"], grads, rtol=1e-12)
    a, stds = X, []
    for layer in net.layers:
        a = layer.forward(a)
        if isinstance(layer, Activation):
            stds.append(a.std())
    np.testing.assert_allclose(r["activation_std"], stds, rtol=1e-12)
    assert ex.result is r and r["activation_std"].shape == (4,)


def test_update_shows_the_chapter_effects():
    ex = InitializationExplorer()
    sig = ex.update(depth=10, width=64, activation="sigmoid", initializer="xavier_normal", std=0.01)
    assert sig["grad_norm"][0] < 1e-3 * sig["grad_norm"][-1]
    relu = ex.update(depth=10, width=64, activation="relu", initializer="he_normal", std=0.01)
    assert 0.1 < relu["grad_norm"][0] / relu["grad_norm"][-1] < 10
    small = ex.update(depth=20, width=64, activation="tanh", initializer="normal", std=0.001)
    big = ex.update(depth=20, width=64, activation="tanh", initializer="normal", std=1.0)
    assert small["activation_std"][-1] < 1e-10 < 0.9 < big["activation_std"][-1]
    zeros = ex.update(depth=3, width=8, activation="tanh", initializer="zeros", std=0.01)
    assert np.all(zeros["activation_std"] == 0)


def test_same_parameters_same_result():
    a = layer_statistics(5, 32, "relu", "he_uniform", rng=3)
    b = layer_statistics(5, 32, "relu", "he_uniform", rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a["grad_norm"], b["grad_norm"])


def test_redraw_changes_artists_in_place():
    ex = InitializationExplorer(dpi=40)
    png = ex.render()
    bars = ex._bars[0][0]
    before = [seg.copy() for seg in bars.get_segments()]
    png2 = ex.redraw(activation="sigmoid", initializer="xavier_normal")
    assert ex._bars[0][0] is bars                                    # same artist, new data
    after = bars.get_segments()
    assert any(not np.allclose(b, a) for b, a in zip(before, after))
    assert png2 != png and "sigmoid" in ex._title.get_text()
    # only `depth` bars are above the floor
    ex.redraw(depth=5)
    tops = np.array([seg[1, 1] for seg in bars.get_segments()])
    assert np.all(tops[5:] == ex.STD_LIMITS[0]) and np.all(tops[:5] > ex.STD_LIMITS[0])


def test_controls_drive_update():
    ex = InitializationExplorer(dpi=40)
    ex.widget()
    controls = ex._control_map
    assert set(controls) == set(ex.defaults)
    old_png = ex._image.value
    controls["activation"].value = "sigmoid"
    assert ex.params["activation"] == "sigmoid" and ex._image.value != old_png
    controls["depth"].value = 7
    assert ex.result["grad_norm"].shape == (7,)
    controls["initializer"].value = "normal"
    controls["std"].value = 1.0
    assert ex.params["std"] == pytest.approx(1.0)
    np.testing.assert_allclose(ex.result["grad_norm"],
                               layer_statistics(7, 64, "sigmoid", "normal", std=1.0, rng=0)["grad_norm"])


def test_invalid_parameters():
    ex = InitializationExplorer()
    with pytest.raises(ValueError, match="`depth` must be at most"):
        ex.update(depth=MAX_DEPTH + 1, width=8, activation="relu", initializer="he_normal", std=0.01)
    with pytest.raises(ValueError, match="`activation` must be one of"):
        ex.update(depth=3, width=8, activation="softplus", initializer="he_normal", std=0.01)
    with pytest.raises(ValueError, match="`initializer` must be one of"):
        ex.update(depth=3, width=8, activation="relu", initializer="kaiming", std=0.01)
    with pytest.raises(ValueError, match="`std` must be positive"):
        ex.update(depth=3, width=8, activation="relu", initializer="normal", std=0.0)
    with pytest.raises(ValueError, match="`depth`"):
        ex.update(depth=0, width=8, activation="relu", initializer="he_normal", std=0.01)
    with pytest.raises(TypeError, match="no parameter"):
        InitializationExplorer(lr=0.1)


# -- layered rendering (nnlearn/explore/_layers.py) ------------------------------------------------


def _full_draw(explorer, ylim=None):
    """What a layered render of ``explorer`` must show: every artist drawn (print_png), by a
    twin laid out alike, set to its current parameters (and, if given, y-limits)."""
    twin = type(explorer)(**explorer.params)
    twin.figure()
    twin.set(**explorer.params)
    twin._draw(twin.result)
    if ylim is not None:
        twin.fig.axes[0].set_ylim(*ylim)
    buffer = io.BytesIO()
    twin._canvas.print_png(buffer)
    return _pixels(buffer.getvalue())


def test_a_move_draws_only_the_bars_and_the_title_and_shows_what_a_full_draw_shows():
    ex = InitializationExplorer(initializer="normal", depth=6, width=16)
    ex.render()
    ex.redraw(std=0.01)
    dynamic = [bars for bars, _, _ in ex._bars] + [ex._title]
    static = [axis for ax in ex.fig.axes for axis in (ax.xaxis, ax.yaxis)]
    drawn = []
    for artist in static + dynamic:
        artist.draw = lambda renderer, draw=artist.draw, artist=artist: (drawn.append(artist),
                                                                         draw(renderer))
    for std in (0.001, 0.5, 0.05):
        png = ex.redraw(std=std)
        # at most a level or two of 255 apart (rounding where kept layers are blended)
        assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 2
    # The bars on every move (the title when its text changed); the log axes were drawn once.
    assert [id(a) for a in drawn if a is not ex._title] == [id(a) for a in dynamic[:2] * 3]
    assert ex._layers.rebuilds == 1
    ax = ex.fig.axes[0]
    ax.set_ylim(1e-4, 10.0)                                         # a limit change ...
    png = ex.redraw(std=0.1)
    assert ex._layers.rebuilds == 2                                 # ... redraws everything
    assert ax.xaxis in drawn
    assert np.abs(_pixels(png) - _full_draw(ex, ylim=(1e-4, 10.0))).max() <= 2
