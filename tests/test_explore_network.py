"""NetworkExplorer: the forward pass it reports, its in-place drawing (a move draws only the numbers
it changes), its controls and its errors; its phone layout (text readable on a phone, nothing
overlapping or cut off), with the check that the other explorers' tests use too."""

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from nnlearn.activations import sigmoid
from nnlearn.explore._layers import draw_order
from nnlearn.explore.flipbook import MIN_TEXT_PX, PHONE_WIDTH_PX, min_text_px
from nnlearn.explore.network import ACTIVATION_CHOICES, WORKED_EXAMPLE, NetworkExplorer
from nnlearn.layers import Activation, Dense
from nnlearn.network import Sequential

from .layered_checks import _full_draw, _pixels


def params_from_arrays(x, W1, b1, W2, b2, hidden="sigmoid", output="sigmoid"):
    """The explorer's scalar parameters (1-based names) from batch-first arrays."""
    params = {"x1": x[0], "x2": x[1], "hidden": hidden, "output": output}
    params.update({f"W1_{i + 1}{j + 1}": W1[i, j] for i in range(2) for j in range(3)})
    params.update({f"b1_{j + 1}": b1[j] for j in range(3)})
    params.update({f"W2_{j + 1}{k + 1}": W2[j, k] for j in range(3) for k in range(2)})
    params.update({f"b2_{k + 1}": b2[k] for k in range(2)})
    return {k: (float(v) if not isinstance(v, str) else v) for k, v in params.items()}


def nnlearn_trace(x, W1, b1, W2, b2, hidden, output):
    net = Sequential([Dense(2, 3, rng=0), Activation(hidden), Dense(3, 2, rng=0), Activation(output)])
    net[0].params["W"][...], net[0].params["b"][...] = W1, b1
    net[2].params["W"][...], net[2].params["b"][...] = W2, b2
    outputs, X = [], np.asarray(x, dtype=float).reshape(1, -1)
    for layer in net:
        X = layer.forward(X)
        outputs.append(X[0])
    return outputs


def random_arrays(seed):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-3, 3, 2), rng.uniform(-3, 3, (2, 3)), rng.uniform(-3, 3, 3),
            rng.uniform(-3, 3, (3, 2)), rng.uniform(-3, 3, 2))


def test_defaults_are_the_worked_example_of_chapter_1():
    ex = NetworkExplorer()
    r = ex.result
    np.testing.assert_array_equal(r["Z1"], [0.0, 0.5, 0.75])
    np.testing.assert_allclose(r["A1"], [0.5, sigmoid(0.5), sigmoid(0.75)], rtol=1e-15)
    # The notes' column-vector form with M = W.T gives the same numbers.
    M1, M2 = WORKED_EXAMPLE["W1"].T, WORKED_EXAMPLE["W2"].T
    column = sigmoid(M2 @ sigmoid(M1 @ WORKED_EXAMPLE["x"] + WORKED_EXAMPLE["b1"]) + WORKED_EXAMPLE["b2"])
    np.testing.assert_allclose(r["A2"], column, rtol=1e-15)
    np.testing.assert_array_equal(np.round(r["A2"], 4), [0.4612, 0.6750])
    assert r["hidden"] == r["output"] == "sigmoid"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("hidden,output", [("sigmoid", "sigmoid"), ("tanh", "linear"), ("relu", "sigmoid"),
                                           ("linear", "tanh")])
def test_update_equals_nnlearn_layers(seed, hidden, output):
    x, W1, b1, W2, b2 = random_arrays(seed)
    ex = NetworkExplorer()
    r = ex.update(**params_from_arrays(x, W1, b1, W2, b2, hidden, output))
    Z1, A1, Z2, A2 = nnlearn_trace(x, W1, b1, W2, b2, hidden, output)
    for key, expected in [("Z1", Z1), ("A1", A1), ("Z2", Z2), ("A2", A2)]:
        np.testing.assert_allclose(r[key], expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(r["W1"], W1)
    np.testing.assert_array_equal(r["W2"], W2)
    assert r is ex.result


def test_parameter_names_are_one_based_matrix_entries():
    ex = NetworkExplorer(W1_12=3.5, W2_31=-2.5, b1_3=1.25, b2_2=0.75, x2=-1.0)
    r = ex.result
    assert r["W1"][0, 1] == 3.5 and r["W2"][2, 0] == -2.5 and r["b1"][2] == 1.25 and r["b2"][1] == 0.75
    assert r["x"][1] == -1.0
    # Hidden neuron 2 (column 1 of W1) sees the new weight, neuron 1 does not.
    np.testing.assert_allclose(r["Z1"], r["x"] @ r["W1"] + r["b1"], rtol=1e-15)


def test_linear_activations_collapse_to_one_layer():
    x, W1, b1, W2, b2 = random_arrays(7)
    r = NetworkExplorer(**params_from_arrays(x, W1, b1, W2, b2, "linear", "linear")).result
    np.testing.assert_allclose(r["A2"], x @ (W1 @ W2) + (b1 @ W2 + b2), rtol=1e-12)


def test_update_is_a_function_of_its_parameters():
    ex = NetworkExplorer()
    first = {k: np.copy(v) for k, v in ex.result.items()}
    ex.set(x1=-2.0, hidden="relu")
    ex.set(x1=1.0, hidden="sigmoid")
    for key, value in first.items():
        np.testing.assert_array_equal(ex.result[key], value)
    assert ex.fig is None                                          # computing drew nothing


def test_render_changes_the_same_artists_in_place():
    ex = NetworkExplorer()
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    nodes, edges, first_value, z_text = ex._nodes, ex._edges, ex._value_text[0], ex._side_text[2]
    assert first_value.get_text() == "1.000" and z_text.get_text() == "z=0.000\nb=0.00"
    before_colours = edges.get_colors().copy()
    png2 = ex.redraw(x1=-3.0, W1_11=-2.0)
    assert ex._nodes is nodes and ex._edges is edges and ex._value_text[0] is first_value
    assert first_value.get_text() == "-3.000"
    np.testing.assert_allclose(nodes.get_array()[:2], [-3.0, 2.0])
    np.testing.assert_allclose(nodes.get_array()[2:5], ex.result["A1"])
    # The edge from x1 to hidden neuron 1 turned from positive (vermillion) to negative (blue).
    assert not np.allclose(edges.get_colors()[0], before_colours[0])
    np.testing.assert_allclose(edges.get_colors()[0][:3], [0x00 / 255, 0x72 / 255, 0xB2 / 255])
    assert ex._weight_text[0].get_text() == "-2.00"
    assert png2 != png


def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = NetworkExplorer()
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == set(NetworkExplorer.defaults)
    first_png = ex._image.value
    controls["x1"].value = -1.5                                   # what moving the slider does
    assert ex.params["x1"] == -1.5 and ex.result["x"][0] == -1.5
    assert ex._value_text[0].get_text() == "-1.500"
    assert ex._image.value != first_png
    controls["hidden"].value = "linear"                           # the activation menu
    np.testing.assert_array_equal(ex.result["A1"], ex.result["Z1"])
    controls["W2_11"].value = 0.0
    assert ex.result["W2"][0, 0] == 0.0
    ex.set(b1_2=1.0)                                              # set() moves the slider, which updates
    assert controls["b1_2"].value == 1.0 and ex.result["b1"][1] == 1.0
    assert box is ex.widget()
    assert list(controls["output"].options) == list(ACTIVATION_CHOICES)


def test_invalid_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="`x1` must be a finite number, got nan"):
        NetworkExplorer(x1=float("nan"))
    with pytest.raises(TypeError, match="`W1_11` must be a real number, got str"):
        NetworkExplorer(W1_11="big")
    with pytest.raises(ValueError, match=r"Unknown activation for `hidden` 'softmax'.*'sigmoid'"):
        NetworkExplorer(hidden="softmax")
    with pytest.raises(ValueError, match="Did you mean 'tanh'"):
        NetworkExplorer(output="tahn")
    with pytest.raises(TypeError, match="`output` must be an activation name"):
        NetworkExplorer(output=1)
    with pytest.raises(TypeError, match=r"has no parameter\(s\) \['W1_41'\]"):
        NetworkExplorer(W1_41=1.0)
    ex = NetworkExplorer()
    params = dict(ex.params)
    del params["b2_1"]
    with pytest.raises(TypeError, match=r"missing \['b2_1'\]"):
        ex.update(**params)
    with pytest.raises(ValueError, match="`b1_1` must be a finite number"):
        ex.set(b1_1=float("inf"))


# -- layered rendering (nnlearn/explore/_layers.py) -------------------------------------------------


def _record_draws(artists, drawn):
    for artist in artists:
        artist.draw = lambda renderer, draw=artist.draw, artist=artist: (drawn.append(artist),
                                                                         draw(renderer))


def test_draw_order_is_the_order_of_a_full_draw():
    ex = NetworkExplorer()
    order = draw_order(ex.figure())
    assert len(order) > 40 and ex.fig.axes[1].patch in order     # the colour bar's axes too
    drawn = []
    _record_draws(order, drawn)
    ex._canvas.draw()
    assert [id(a) for a in drawn] == [id(a) for a in order]


def test_a_move_draws_the_numbers_it_changes_and_shows_what_a_full_draw_shows():
    ex = NetworkExplorer()
    ex.render()
    ex.redraw(W1_11=-1.0)
    drawn = []
    _record_draws(ex._weight_text + ex._value_text + ex._side_text + [ex._summary], drawn)
    png = ex.redraw(W1_11=-1.5)
    # W1_11 changes its label, hidden neuron 1 (value, z) and both outputs (values, z); the
    # other 19 numbers and labels are pasted from the images kept when they were drawn.
    changed = [ex._weight_text[0], ex._value_text[2], ex._value_text[5], ex._value_text[6],
               ex._side_text[2], ex._side_text[5], ex._side_text[6]]
    assert sorted(map(id, drawn)) == sorted(map(id, changed))
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    drawn.clear()
    same = ex.redraw(W1_11=-1.5)                                      # nothing changed
    assert drawn == [] and np.abs(_pixels(same) - _pixels(png)).max() <= 3
    png = ex.redraw(hidden="relu", b1_2=-0.75)
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    assert ex._layers.rebuilds == 1


# -- the phone layout (the frames of ch 1's flipbook on narrow screens) ------------------------

def layout_problems(fig):
    """What makes a figure unreadable: text drawn outside it, texts that overlap one another
    (with their boxes), and texts on a node (a scatter's circle) that are not its own label, which
    must fit inside it. A full draw on a fresh Agg canvas; returns a list of descriptions."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection

    original = fig.canvas
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    drawn = {}
    draw_text = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if str(s).strip() and mtext is not None:
            drawn[id(mtext)] = mtext
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record
    try:
        canvas.draw()
        boxes = []
        for text in drawn.values():
            box = text.get_window_extent(renderer)
            if text.get_bbox_patch() is not None:
                box = Bbox.union([box, text.get_bbox_patch().get_window_extent(renderer)])
            boxes.append((text.get_text().replace("\n", " ")[:30], box, text))
        nodes = []
        for collection in fig.findobj(PathCollection):
            offsets = collection.get_offsets()
            if len(offsets) and collection.get_visible():
                centres = collection.get_offset_transform().transform(offsets)
                sizes = np.resize(collection.get_sizes(), len(centres))
                nodes += [(c, np.sqrt(s) / 2 * fig.dpi / 72) for c, s in zip(centres, sizes)]
    finally:
        del renderer.draw_text
        fig.set_canvas(original)
    problems = []
    frame = fig.bbox
    for name, box, _ in boxes:
        if box.x0 < frame.x0 - 0.5 or box.y0 < frame.y0 - 0.5 or box.x1 > frame.x1 + 0.5 \
                or box.y1 > frame.y1 + 0.5:
            problems.append(f"outside the figure: {name!r}")
    for i, (name, box, _) in enumerate(boxes):
        for other, other_box, _ in boxes[i + 1:]:
            width = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
            height = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
            if width > 0.5 and height > 0.5:
                problems.append(f"overlap: {name!r} and {other!r}")
    for name, box, text in boxes:
        anchor = text.get_transform().transform(text.get_position())
        for centre, radius in nodes:
            corners = np.array([[box.x0, box.y0], [box.x0, box.y1], [box.x1, box.y0],
                                [box.x1, box.y1]])
            if np.hypot(*(anchor - centre)) < 1:              # the node's own label: inside it
                if np.hypot(*(corners - centre).T).max() > radius:
                    problems.append(f"does not fit its node: {name!r}")
                continue
            nearest = np.clip(centre, [box.x0, box.y0], [box.x1, box.y1])
            if np.hypot(*(nearest - centre)) < radius - 0.5:
                problems.append(f"on a node: {name!r}")
    return problems


def shown_text_px(explorer, png):
    """The smallest text of the explorer's figure, in CSS pixels, when the PNG is shown as wide as
    a flipbook on a phone."""
    width = int.from_bytes(png[16:20], "big")
    return min_text_px(explorer.fig) * PHONE_WIDTH_PX / width


def test_the_layout_check_can_fail():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 3), ylim=(0, 2))
    ax.axis("off")
    ax.scatter([1.0, 2.5], [1.0, 1.0], s=900)              # 15 points: 0.21 inch radius
    ax.text(1.0, 1.0, "in", ha="center", va="center")    # its own node's label: fine
    ax.text(2.5, 1.0, "too long", ha="center", va="center")  # centred on a node, wider
    ax.text(1.2, 1.0, "touches", va="center")
    ax.text(0.1, 1.7, "first")
    ax.text(0.2, 1.72, "second")
    ax.text(2.9, 0.2, "cut off")
    assert sorted(layout_problems(fig)) == [
        "does not fit its node: 'too long'", "on a node: 'touches'",
        "outside the figure: 'cut off'", "overlap: 'first' and 'second'"]


@pytest.mark.parametrize("params", [{}, {"x1": -3.0}, {"x1": 3.0, "x2": -4.0},
                                    {"hidden": "relu", "output": "linear", "W2_11": -4.0,
                                     "b1_2": -4.0, "W1_21": -4.0}])
def test_the_phone_layout_reads_on_a_phone_with_nothing_overlapping(params):
    ex = NetworkExplorer(layout="phone", dpi=180, **params)
    png = ex.render()
    assert png[16:24] == (648).to_bytes(4, "big") + (954).to_bytes(4, "big")  # 3.6 x 5.3 inches
    assert shown_text_px(ex, png) >= MIN_TEXT_PX * 1.05                         # 10 px
    assert layout_problems(ex.fig) == []


def test_the_desktop_layout_would_not_read_on_a_phone():
    ex = NetworkExplorer(dpi=90)
    assert shown_text_px(ex, ex.render()) < MIN_TEXT_PX  # why the flipbook has phone frames
    squeezed = NetworkExplorer(figsize=(3.6, 5.3), dpi=90)  # the desktop diagram, phone-sized
    assert layout_problems(squeezed.figure()) != []


def test_the_phone_layout_shows_the_desktop_numbers():
    phone, desktop = NetworkExplorer(layout="phone", x1=-1.25), NetworkExplorer(x1=-1.25)
    phone.render()
    desktop.render()
    for name in ("_weight_text", "_value_text", "_side_text"):
        assert ([t.get_text() for t in getattr(phone, name)]
                == [t.get_text() for t in getattr(desktop, name)])
    assert phone._summary.get_text() == desktop._summary.get_text()
    assert phone.figsize == (3.6, 5.3) and desktop.figsize == (7, 4.2)
    assert phone.result["A2"].tolist() == desktop.result["A2"].tolist()


def test_a_move_in_the_phone_layout_shows_what_a_full_draw_shows():
    ex = NetworkExplorer(layout="phone")
    ex.render()
    png = ex.redraw(W1_11=-1.5, x1=2.0)
    assert np.abs(_pixels(png) - _full_draw(ex, layout="phone")).max() <= 3
    assert ex._layers.rebuilds == 1


def test_a_bad_layout_is_rejected():
    with pytest.raises(ValueError, match=r"Unknown layout 'tablet'. Valid names: 'desktop', "
                                         r"'phone'"):
        NetworkExplorer(layout="tablet")
    with pytest.raises(ValueError, match=r"Did you mean 'phone'"):
        NetworkExplorer(layout="phon")
    with pytest.raises(TypeError, match=r"`layout` must be a layout name \(str\), one of"):
        NetworkExplorer(layout=None)
