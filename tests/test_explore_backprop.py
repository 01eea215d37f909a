"""BackpropExplorer: the forward values and gradients it reports, its stages, in-place drawing (from
kept glyphs, exactly as matplotlib draws), controls, errors, the phone layout."""

import io
import re

import numpy as np
import pytest

from nnlearn.activations import sigmoid
from nnlearn.explore.backprop import (OUTPUT_CHOICES, STAGES, WORKED_EXAMPLE, BackpropExplorer, backprop_221,
                                      draw_backprop_stage)
from nnlearn.explore.flipbook import MIN_TEXT_PX
from nnlearn.gradcheck import numerical_gradient
from nnlearn.layers import Activation, Dense
from nnlearn.losses import MSE
from nnlearn.network import Sequential

from .test_explore_network import layout_problems, shown_text_px

GRADIENT_KEYS = ("dL_dyhat", "delta2", "grad_W2", "grad_b2", "dL_dA1", "sigma_prime", "delta1", "grad_W1",
                 "grad_b1", "dL_dx")


def params_from_arrays(x, y, W1, b1, W2, b2, output="linear", lr=0.5, stage=len(STAGES) - 1):
    """The explorer's scalar parameters (the notes' 1-based names) from batch-first arrays."""
    params = {"x1": x[0], "x2": x[1], "y": y, "b1_1": b1[0], "b1_2": b1[1], "W2_11": W2[0, 0],
              "W2_21": W2[1, 0], "b2_1": b2[0], "lr": lr}
    params.update({f"W1_{i + 1}{j + 1}": W1[i, j] for i in range(2) for j in range(2)})
    params = {k: float(v) for k, v in params.items()}
    params.update(output=output, stage=stage)
    return params


def by_hand(x, y, W1, b1, W2, b2, output):
    """The chain rule written out scalar by scalar, in the notes' notation (no nnlearn)."""
    O11 = x[0] * W1[0, 0] + x[1] * W1[1, 0] + b1[0]
    O12 = x[0] * W1[0, 1] + x[1] * W1[1, 1] + b1[1]
    a11, a12 = 1 / (1 + np.exp(-O11)), 1 / (1 + np.exp(-O12))
    O21 = W2[0, 0] * a11 + W2[1, 0] * a12 + b2[0]
    y_hat = O21 if output == "linear" else 1 / (1 + np.exp(-O21))
    dL_dyhat = 2 * (y_hat - y)
    delta2 = dL_dyhat * (1.0 if output == "linear" else y_hat * (1 - y_hat))
    d11 = delta2 * W2[0, 0] * a11 * (1 - a11)
    d12 = delta2 * W2[1, 0] * a12 * (1 - a12)
    return {
        "O1": [O11, O12], "A1": [a11, a12], "O21": O21, "y_hat": y_hat, "loss": (y_hat - y) ** 2,
        "dL_dyhat": dL_dyhat, "delta2": delta2,
        "grad_W2": [[delta2 * a11], [delta2 * a12]], "grad_b2": [delta2],
        "dL_dA1": [delta2 * W2[0, 0], delta2 * W2[1, 0]], "sigma_prime": [a11 * (1 - a11), a12 * (1 - a12)],
        "delta1": [d11, d12],
        "grad_W1": [[d11 * x[0], d12 * x[0]], [d11 * x[1], d12 * x[1]]], "grad_b1": [d11, d12],
        "dL_dx": [d11 * W1[0, 0] + d12 * W1[0, 1], d11 * W1[1, 0] + d12 * W1[1, 1]],
    }


def random_case(seed):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-2, 2, 2), float(rng.uniform(-1, 1)), rng.uniform(-2, 2, (2, 2)), rng.uniform(-1, 1, 2),
            rng.uniform(-2, 2, (2, 1)), rng.uniform(-1, 1, 1))


def worked():
    ex = WORKED_EXAMPLE
    return ex["x"], ex["y"], ex["W1"], ex["b1"], ex["W2"], ex["b2"]


# -- the computation --------------------------------------------------------------------------------

def test_defaults_are_the_worked_example_of_chapter_6():
    r = BackpropExplorer().result
    assert r["stage"] == len(STAGES) - 1 and r["output"] == "linear" and r["lr"] == 0.5
    np.testing.assert_array_equal(r["O1"], [0.0, 1.0])       # chosen so that O11 = 0 and O12 = 1 exactly
    np.testing.assert_allclose(r["A1"], [0.5, sigmoid(1.0)], rtol=1e-15)
    assert round(r["y_hat"], 4) == 0.3845 and round(r["loss"], 4) == 0.3789
    np.testing.assert_array_equal(np.round(r["grad_W1"], 4), [[-0.1539, 0.0605], [-0.3078, 0.1210]])
    np.testing.assert_array_equal(np.round(r["grad_W2"], 4), [[-0.6155], [-0.9000]])
    assert round(r["grad_b2"][0], 4) == -1.2311
    np.testing.assert_array_equal(np.round(r["dL_dx"], 4), [-0.0505, 0.1221])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("output", OUTPUT_CHOICES)
def test_update_equals_the_chain_rule_by_hand(seed, output):
    x, y, W1, b1, W2, b2 = random_case(seed)
    r = BackpropExplorer().update(**params_from_arrays(x, y, W1, b1, W2, b2, output))
    for key, expected in by_hand(x, y, W1, b1, W2, b2, output).items():
        np.testing.assert_allclose(r[key], np.asarray(expected).reshape(np.shape(r[key])), rtol=1e-12,
                                   atol=1e-14, err_msg=key)


@pytest.mark.parametrize("output", OUTPUT_CHOICES)
def test_gradients_equal_an_mlp_and_finite_differences(output):
    x, y, W1, b1, W2, b2 = random_case(11)
    r = backprop_221(x, y, W1, b1, W2, b2, output=output)
    net = Sequential([Dense(2, 2, rng=0), Activation("sigmoid"), Dense(2, 1, rng=0), Activation(output)])
    net[0].params["W"], net[0].params["b"], net[2].params["W"], net[2].params["b"] = W1, b1, W2, b2
    X, Y, loss = x.reshape(1, 2), np.array([[y]]), MSE()
    dX = net.backward(loss.gradient(net.forward(X), Y))
    for key, layer, name in [("grad_W1", 0, "W"), ("grad_b1", 0, "b"), ("grad_W2", 2, "W"), ("grad_b2", 2, "b")]:
        np.testing.assert_array_equal(r[key], net[layer].grads[name])
        numeric = numerical_gradient(lambda _: loss(net.forward(X), Y), net[layer].params[name])
        np.testing.assert_allclose(r[key], numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(r["dL_dx"], dX[0])
    numeric_x = numerical_gradient(lambda v: loss(net.forward(v.reshape(1, 2)), Y), x.copy())
    np.testing.assert_allclose(r["dL_dx"], numeric_x, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("lr", [0.1, 0.5, 3.0])
def test_the_update_stage_takes_one_gradient_step(lr):
    x, y, W1, b1, W2, b2 = worked()
    r = backprop_221(x, y, W1, b1, W2, b2, lr=lr)
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(r[f"{key}_new"], r[key] - lr * r[f"grad_{key}"], rtol=1e-15)
    after = backprop_221(x, y, r["W1_new"], r["b1_new"], r["W2_new"], r["b2_new"])
    assert r["loss_new"] == pytest.approx(after["loss"], rel=1e-14)
    if lr == 0.5:
        assert r["loss_new"] < r["loss"]
    np.testing.assert_array_equal(r["W1"], W1)          # the inputs are not modified


def test_stages_reveal_the_values_in_order():
    ex = BackpropExplorer()
    seen = frozenset()
    for stage in range(len(STAGES)):
        r = ex.set(stage=stage)
        assert r["stage_name"] == STAGES[stage][0]
        assert seen < r["shown"] and r["new"] == r["shown"] - seen
        seen = r["shown"]
    assert set(GRADIENT_KEYS) <= seen
    first = ex.set(stage=2)
    assert not (set(GRADIENT_KEYS) & first["shown"]) and "loss" in first["shown"]
    assert "grad_W2" in ex.set(stage=4)["new"] and "grad_W1" not in ex.result["shown"]
    # Whatever the stage, every number is computed: stages only decide what is shown.
    np.testing.assert_array_equal(ex.set(stage=0)["grad_W1"], ex.set(stage=8)["grad_W1"])


def test_stage_texts_substitute_the_numbers():
    ex = BackpropExplorer()
    r = ex.set(stage=5)
    assert f"{r['delta1'][0]:.3f}" in r["stage_text"] and "σ'(O₁₁)" in r["stage_text"]
    r = ex.set(stage=7)
    assert f"{r['dL_dx'][0]:.3f}" in r["stage_text"] and "paths add" in r["stage_text"]
    r = ex.set(stage=8)
    assert "falls" in r["stage_text"] and f"{r['loss_new']:.4f}" in r["stage_text"]
    r = ex.set(stage=8, lr=50.0)                          # far too large a step
    assert r["loss_new"] > r["loss"] and "too large" in r["stage_text"]
    r = ex.set(stage=3, output="sigmoid", lr=0.5)
    assert f"{r['y_hat'] * (1 - r['y_hat']):.3f}" in r["stage_text"]
    r = ex.set(stage=8, output="linear", y=BackpropExplorer().result["y_hat"])   # the target is met exactly
    assert r["loss"] == r["loss_new"] == 0.0 and "stays" in r["stage_text"] and "too large" not in r["stage_text"]


def test_update_is_a_function_of_its_parameters():
    ex = BackpropExplorer()
    first = dict(ex.result)
    ex.set(x1=-2.0, output="sigmoid", stage=1)
    ex.set(x1=0.5, output="linear", stage=len(STAGES) - 1)
    for key, value in first.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(ex.result[key], value)
        else:
            assert ex.result[key] == value, key
    assert ex.fig is None                                     # computing drew nothing


# -- drawing ----------------------------------------------------------------------------------------

def test_render_changes_the_same_artists_in_place():
    ex = BackpropExplorer(stage=2)
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    d = ex._diagram
    edges, nodes, label, title = d.edges, d.nodes, d.edge_text[0], d.title
    assert label.get_text() == "w¹₁₁ = 0.40" and title.get_text() == "Stage 2 of 8: forward: output and loss"
    grey = edges.get_colors().copy()
    png6 = ex.redraw(stage=6)
    assert d.edges is edges and d.nodes is nodes and d.edge_text[0] is label and d.title is title
    assert label.get_text() == f"w¹₁₁ = 0.40\n∂L/∂w = {ex.result['grad_W1'][0, 0]:.3f}"
    assert label.get_fontweight() == "bold"                   # computed in this stage
    # With the gradients known, each edge takes the colour of its gradient's sign.
    colours = edges.get_colors()
    np.testing.assert_allclose(colours[0][:3], [0x00 / 255, 0x72 / 255, 0xB2 / 255])   # -0.154: blue
    np.testing.assert_allclose(colours[1][:3], [0xD5 / 255, 0x5E / 255, 0x00 / 255])   # +0.061: vermillion
    assert not np.allclose(colours, grey)
    assert edges.get_linewidths()[5] > edges.get_linewidths()[1]   # |-0.900| > |0.061|
    assert d.explain.get_text() == ex.result["stage_text"]
    assert png6 != png
    ex.redraw(stage=8)
    assert "→" in label.get_text() and "0.3556" in d.output_text.get_text()


def _pixels(png):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def test_kept_glyphs_draw_exactly_what_matplotlib_draws():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from nnlearn.explore.backprop import _glyph_canvas_class

    if _glyph_canvas_class() is FigureCanvasAgg:
        pytest.skip("this matplotlib draws text in one piece: no glyphs to keep")
    ex = BackpropExplorer()
    ex.render()
    glyphs = ex._canvas.get_renderer().glyphs
    assert glyphs                                           # the first render kept its glyphs
    plain = BackpropExplorer()
    plain.figure()
    plain._canvas = FigureCanvasAgg(plain.fig)             # matplotlib's own text drawing
    rng = np.random.default_rng(5)
    for stage in range(len(STAGES)):
        moves = {"stage": stage, "output": OUTPUT_CHOICES[stage % 2],
                 "W1_11": float(rng.uniform(-3, 3)), "x2": float(rng.uniform(-3, 3))}
        png = ex.redraw(**moves)
        assert np.array_equal(_pixels(png), _pixels(plain.redraw(**moves))), stage
    kept = len(glyphs)
    again = ex.redraw(W1_11=ex.params["W1_11"] + 0.0)        # the same picture again ...
    assert len(glyphs) == kept                                # ... from kept glyphs only
    assert np.array_equal(_pixels(again), _pixels(png))


def test_draw_backprop_stage_draws_on_any_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    draw_backprop_stage(ax, BackpropExplorer(stage=7).result)
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("Stage 7 of 8") for t in texts)
    assert any("∂L/∂x₁₁ = -0.050" in t for t in texts)
    assert not ax.axison


# -- the widget -------------------------------------------------------------------------------------

def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = BackpropExplorer(stage=0)
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == set(BackpropExplorer.defaults)
    first_png = ex._image.value
    controls["stage"].value = 3                                # what moving the stage slider does
    assert ex.params["stage"] == 3 and ex.result["stage_name"] == "backward: loss"
    assert ex._image.value != first_png
    ex._buttons["next"].click()
    assert controls["stage"].value == 4 and ex.result["stage"] == 4
    ex._buttons["previous"].click()
    ex._buttons["previous"].click()
    assert ex.result["stage"] == 2
    controls["stage"].value = len(STAGES) - 1
    ex._buttons["next"].click()                                # already at the last stage
    assert ex.result["stage"] == len(STAGES) - 1
    controls["x1"].value = -1.0
    assert ex.result["x"][0] == -1.0 and "x₁₁ = -1.00" in ex._diagram.input_text[0].get_text()
    controls["y"].value = 0.0
    assert ex.result["y"] == 0.0
    controls["output"].value = "sigmoid"
    assert 0 < ex.result["y_hat"] < 1
    controls["W2_21"].value = 2.0
    assert ex.result["W2"][1, 0] == 2.0
    ex.set(lr=1.0)                                             # set() moves the slider, which updates
    assert controls["lr"].value == 1.0 and ex.result["lr"] == 1.0
    assert box is ex.widget()


# -- errors -----------------------------------------------------------------------------------------

def test_invalid_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match=r"`stage` must be an integer from 0 to 8 \(there are 9 stages\), got 9"):
        BackpropExplorer(stage=9)
    with pytest.raises(ValueError, match="`stage` must be an integer >= 0, got -1"):
        BackpropExplorer(stage=-1)
    with pytest.raises(TypeError, match="`stage` must be an integer, got float"):
        BackpropExplorer(stage=2.5)
    with pytest.raises(ValueError, match="`lr` must be"):
        BackpropExplorer(lr=0.0)
    with pytest.raises(ValueError, match="`x1` must be a finite number, got nan"):
        BackpropExplorer(x1=float("nan"))
    with pytest.raises(TypeError, match="`y` must be a real number, got str"):
        BackpropExplorer(y="one")
    with pytest.raises(ValueError, match=r"Unknown output activation 'sigmod'.*Did you mean 'sigmoid'"):
        BackpropExplorer(output="sigmod")
    with pytest.raises(TypeError, match="`output` must be an activation name"):
        BackpropExplorer(output=None)
    with pytest.raises(TypeError, match=r"has no parameter\(s\) \['W1_31'\]"):
        BackpropExplorer(W1_31=1.0)
    ex = BackpropExplorer()
    params = dict(ex.params)
    del params["b2_1"]
    with pytest.raises(TypeError, match=r"missing \['b2_1'\]"):
        ex.update(**params)


def test_backprop_221_checks_its_arrays():
    x, y, W1, b1, W2, b2 = worked()
    with pytest.raises(ValueError, match=r"`W2` must have shape \(2, 1\), got \(1, 2\). Did you mean its transpose"):
        backprop_221(x, y, W1, b1, W2.T, b2)
    with pytest.raises(ValueError, match=r"`x` must have shape \(2,\), got \(3,\)"):
        backprop_221([1.0, 2.0, 3.0], y, W1, b1, W2, b2)
    with pytest.raises(ValueError, match="`b1` must contain only finite numbers"):
        backprop_221(x, y, W1, [np.inf, 0.0], W2, b2)
    with pytest.raises(ValueError, match="Unknown output activation 'relu'"):
        backprop_221(x, y, W1, b1, W2, b2, output="relu")
    with pytest.raises(ValueError, match="`lr` must be"):
        backprop_221(x, y, W1, b1, W2, b2, lr=-1.0)


def test_a_matplotlib_without_the_private_glyph_calls_falls_back_to_the_plain_canvas(
        monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from nnlearn.explore.backprop import BackpropExplorer

    explorer = BackpropExplorer()
    explorer.figure()
    renderer = type(explorer._canvas.get_renderer())
    if type(explorer._canvas) is FigureCanvasAgg:
        pytest.skip("this matplotlib has no glyph cache to fall back from")

    def changed(*args, **kwargs):
        raise TypeError("a private signature changed")

    monkeypatch.setattr(renderer, "_draw_text_glyphs_and_boxes", changed)
    png = explorer.render()
    assert type(explorer._canvas) is FigureCanvasAgg
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# -- the phone layout (the frames of ch 6's flipbook on narrow screens) ------------------------

NUMBER = re.compile(r"-?\d+\.\d+")

# Values far from the worked example: negative and two-digit numbers, the widest labels.
WIDE = {"x1": -3.0, "x2": 2.5, "y": -2.0, "W1_11": -2.75, "W1_22": -3.0, "b1_2": -3.0,
        "W2_21": -3.0, "lr": 2.0}


@pytest.mark.parametrize("output", OUTPUT_CHOICES)
@pytest.mark.parametrize("stage", range(len(STAGES)))
def test_the_phone_layout_reads_on_a_phone_with_nothing_overlapping(stage, output):
    for params in ({}, WIDE):
        ex = BackpropExplorer(layout="phone", dpi=180, stage=stage, output=output, **params)
        png = ex.render()
        assert png[16:24] == (648).to_bytes(4, "big") + (1017).to_bytes(4, "big")  # 3.6 x 5.65 in
        assert shown_text_px(ex, png) >= MIN_TEXT_PX * 1.04                          # 9.4 px
        assert layout_problems(ex.fig) == [], params


def test_the_desktop_layout_would_not_read_on_a_phone():
    ex = BackpropExplorer(dpi=100)
    assert shown_text_px(ex, ex.render()) < MIN_TEXT_PX  # why the flipbook has phone frames


@pytest.mark.parametrize("stage", range(len(STAGES)))
def test_the_phone_layout_shows_the_desktop_numbers(stage):
    phone = BackpropExplorer(layout="phone", stage=stage, **WIDE)
    desktop = BackpropExplorer(stage=stage, **WIDE)
    phone.render()
    desktop.render()

    def numbers(ex):
        return sorted(n for t in ex._diagram.ax.texts for n in NUMBER.findall(t.get_text()))

    assert numbers(phone) == numbers(desktop)
    # The stage's computation: the same numbers in the same order, broken into short lines.
    explained = phone._diagram.explain.get_text()
    assert NUMBER.findall(explained) == NUMBER.findall(desktop.result["stage_text"])
    assert max(len(line) for line in explained.split("\n")) <= 46
    assert phone._diagram.title.get_text() == desktop._diagram.title.get_text()


def test_draw_backprop_stage_draws_the_phone_diagram_on_a_flipbook_axes():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from nnlearn.explore.backprop import LAYOUTS

    fig = Figure(figsize=LAYOUTS["phone"], dpi=100, layout="constrained")   # as flipbook() makes it
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ex = BackpropExplorer(layout="phone", stage=8)
    draw_backprop_stage(ax, ex.result, layout="phone")
    fig.canvas.draw()
    assert tuple(ax.get_position().bounds) == (0.0, 0.0, 1.0, 1.0) and not ax.axison
    assert layout_problems(fig) == []
    ex.render()
    assert [t.get_text() for t in ax.texts] == [t.get_text() for t in ex._diagram.ax.texts]
    with pytest.raises(ValueError, match=r"Unknown layout 'tablet'. Valid names: 'desktop'"):
        draw_backprop_stage(ax, ex.result, layout="tablet")


def test_phone_lines_break_equations_before_an_equals_sign():
    from nnlearn.explore.backprop import _phone_lines

    text = "∂L/∂x = a·b + c·d = (-0.308)·0.400 + 0.121·0.600 = -0.050,   δ = 0.5"
    assert _phone_lines(text, width=36).split("\n") == [
        "∂L/∂x = a·b + c·d", "    = (-0.308)·0.400 + 0.121·0.600", "    = -0.050", "δ = 0.5"]
    # A part too long for a line even so: broken between words.
    assert _phone_lines(text, width=30).split("\n") == [
        "∂L/∂x = a·b + c·d =", "    (-0.308)·0.400 +", "    0.121·0.600 = -0.050", "δ = 0.5"]
    # Text that is not "symbol = ...": between words.
    words = "w ← w − η ∂L/∂w with η = 0.50 for all 9 weights"
    assert _phone_lines(words, width=24).split("\n") == [
        "w ← w − η ∂L/∂w with η =", "    0.50 for all 9", "    weights"]
    assert _phone_lines("short,   lines\nstay") == "short\nlines\nstay"


def test_a_bad_layout_is_rejected():
    with pytest.raises(ValueError, match=r"Unknown layout 'phones'. .*Did you mean 'phone'"):
        BackpropExplorer(layout="phones")
    with pytest.raises(TypeError, match=r"`layout` must be a layout name \(str\)"):
        BackpropExplorer(layout=1)
