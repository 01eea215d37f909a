"""PerceptronExplorer and perceptron_trace: the rule as nnlearn runs it, the figure in place, the
controls, the phone layout."""

import numpy as np
import pytest

import nnlearn
from nnlearn.datasets import fruit, logic_gate
from nnlearn.explore.perceptron import (DATASETS, FRUIT_ARGS, MAX_VISITS, PerceptronExplorer, explorer_data,
                                        perceptron_trace)

from nnlearn.explore.flipbook import MIN_TEXT_PX

from .layered_checks import _full_draw, _pixels, _record_draws, _statics
from .test_explore_network import layout_problems, shown_text_px


def manual_rule(X, y, n_visits, w, b, lr, seed):
    """Rosenblatt's rule written out, visiting each epoch in rng.permutation order."""
    rng = np.random.default_rng(seed)
    w, b, order = np.array(w, dtype=float), float(b), None
    for t in range(n_visits):
        if t % len(y) == 0:
            order = rng.permutation(len(y))
        i = order[t % len(y)]
        y_hat = 1.0 if X[i] @ w + b >= 0 else 0.0
        w, b = w + lr * (y[i] - y_hat) * X[i], b + lr * (y[i] - y_hat)
    return w, b


# -- perceptron_trace ------------------------------------------------------------------------------

@pytest.mark.parametrize("data", ["and", "or", "nand", "fruit"])
@pytest.mark.parametrize("seed", range(3))
def test_trace_reproduces_perceptron_fit(data, seed):
    X, y = explorer_data(data) if data in DATASETS else logic_gate(data)
    p = nnlearn.Perceptron(rng=seed).fit(X, y)
    trace = perceptron_trace(X, y, p.n_epochs_ * len(y), rng=seed)
    np.testing.assert_array_equal(trace["w"][-1], p.coef_)
    assert trace["b"][-1] == p.intercept_
    np.testing.assert_array_equal(trace["updated"].reshape(-1, len(y)).sum(axis=1), p.errors_)
    assert trace["w"].shape == (p.n_epochs_ * len(y) + 1, 2) and trace["b"].shape == (p.n_epochs_ * len(y) + 1,)
    np.testing.assert_array_equal(trace["epoch"], np.repeat(np.arange(p.n_epochs_), len(y)))
    for e in range(p.n_epochs_):   # every epoch visits every sample once
        assert sorted(trace["sample"][e * len(y):(e + 1) * len(y)]) == list(range(len(y)))


def test_trace_on_xor_matches_a_non_converging_fit():
    X, y = logic_gate("xor")
    p = nnlearn.Perceptron(max_epochs=50, rng=1).fit(X, y)
    trace = perceptron_trace(X, y, 200, rng=1)
    np.testing.assert_array_equal(trace["w"][-1], p.coef_)
    np.testing.assert_array_equal(trace["updated"].reshape(50, 4).sum(axis=1), p.errors_)


def test_trace_from_other_weights_and_learning_rate_follows_the_rule():
    X, y = fruit(30, noise=0.3, rng=3)
    trace = perceptron_trace(X, y, 95, w=[0.5, -0.2], b=0.3, lr=0.37, rng=5)
    for n in [0, 1, 29, 30, 31, 95]:
        w, b = manual_rule(X, y, n, [0.5, -0.2], 0.3, 0.37, 5)
        np.testing.assert_allclose(trace["w"][n], w, rtol=1e-14)
        assert np.isclose(trace["b"][n], b, rtol=1e-14)
    changed = np.any(np.diff(trace["w"], axis=0) != 0, axis=1) | (np.diff(trace["b"]) != 0)
    np.testing.assert_array_equal(changed, trace["updated"])


def test_trace_is_deterministic_under_a_seed():
    X, y = fruit(40, noise=0.3, rng=0)
    a, b = perceptron_trace(X, y, 120, rng=7), perceptron_trace(X, y, 120, rng=7)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert perceptron_trace(X, y, 0)["w"].shape == (1, 2)


def test_trace_rejects_bad_input():
    X, y = logic_gate("or")
    with pytest.raises(ValueError, match="`n_visits` must be an integer >= 0"):
        perceptron_trace(X, y, -1)
    with pytest.raises(ValueError, match="same number of samples"):
        perceptron_trace(X, y[:3], 4)
    with pytest.raises(ValueError, match="`w` must have one weight per feature, 2"):
        perceptron_trace(X, y, 4, w=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="`lr` must be positive"):
        perceptron_trace(X, y, 4, lr=0)
    with pytest.raises(ValueError, match="labels|class|must be"):
        perceptron_trace(X, [0, 1, 2, 1], 4)
    with pytest.raises(TypeError, match="`rng` must be None"):
        perceptron_trace(X, y, 4, rng="zero")


# -- update ----------------------------------------------------------------------------------------

def test_explorer_data():
    X, y = explorer_data("fruit")
    X2, y2 = fruit(**FRUIT_ARGS)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    for gate in ["and", "or", "xor"]:
        np.testing.assert_array_equal(explorer_data(gate)[1], logic_gate(gate)[1])
    with pytest.raises(ValueError, match="Unknown data set 'xnor'"):
        explorer_data("xnor")
    with pytest.raises(TypeError, match="`data` must be a data set name"):
        explorer_data(3)


def test_sliders_alone_give_the_perceptron_of_those_weights():
    ex = PerceptronExplorer(data="fruit", w1=0.5, w2=0.8, b=-1.0)
    r = ex.result
    X, y = explorer_data("fruit")
    p = nnlearn.Perceptron()
    p.coef_, p.intercept_ = np.array([0.5, 0.8]), -1.0
    np.testing.assert_array_equal(r["predictions"], p.predict(X))
    np.testing.assert_allclose(r["z"], p.decision_function(X))
    assert r["n_mistakes"] == 0 and len(r["mistakes"]) == 0 and r["visits"] == 0 and r["last_sample"] is None
    assert np.isclose(r["distance"], 1 / np.sqrt(0.89))
    # The boundary's ends lie on the line and in the view; the region is the z >= 0 part of the view.
    for point in r["boundary"]:
        assert abs(point @ r["w"] + r["b"]) < 1e-12
        (x0, x1), (y0, y1) = r["limits"]
        assert x0 - 1e-12 <= point[0] <= x1 + 1e-12 and y0 - 1e-12 <= point[1] <= y1 + 1e-12
    assert np.all(r["region"] @ r["w"] + r["b"] >= -1e-12) and len(r["region"]) >= 3


@pytest.mark.parametrize("data", DATASETS)
@pytest.mark.parametrize("seed", [0, 4])
def test_stepping_from_zero_reproduces_perceptron_fit(data, seed):
    X, y = explorer_data(data)
    p = nnlearn.Perceptron(max_epochs=30, rng=seed).fit(X, y)
    r = PerceptronExplorer(data=data, seed=seed, visits=p.n_epochs_ * len(y)).result
    np.testing.assert_array_equal(r["w"], p.coef_)
    assert r["b"] == p.intercept_ and r["errors_per_epoch"] == p.errors_.tolist()
    assert r["n_updates"] == p.errors_.sum() and r["epoch"] == p.n_epochs_
    np.testing.assert_array_equal(r["predictions"], p.predict(X))
    np.testing.assert_array_equal(r["mistakes"], np.flatnonzero(p.predict(X) != y))
    assert (r["n_mistakes"] == 0) == p.converged_ == (data != "xor")


def test_one_visit_at_a_time_matches_the_trace():
    X, y = explorer_data("or")
    trace = perceptron_trace(X, y, 12, rng=0)
    ex = PerceptronExplorer(data="or")
    for v in range(1, 13):
        r = ex.set(visits=v)
        np.testing.assert_array_equal(r["w"], trace["w"][v])
        assert r["b"] == trace["b"][v] and r["last_sample"] == trace["sample"][v - 1]
        assert r["last_updated"] == trace["updated"][v - 1] and r["n_updates"] == trace["updated"][:v].sum()


def test_results_do_not_depend_on_the_order_of_requests():
    ex = PerceptronExplorer(data="fruit")
    ex.set(visits=300)
    ex.set(w1=0.3)            # a new start clears the cached run
    ex.set(w1=0.0, visits=50)
    back = ex.set(visits=10)
    fresh = PerceptronExplorer(data="fruit", visits=10).result
    for key in ["w", "b", "predictions", "errors_per_epoch", "n_updates", "last_sample"]:
        np.testing.assert_array_equal(back[key], fresh[key])


def test_learning_rate_and_start_weights_are_used():
    X, y = explorer_data("fruit")
    r = PerceptronExplorer(data="fruit", w1=0.2, w2=-0.4, b=0.5, lr=0.25, seed=3, visits=77).result
    w, b = manual_rule(X, y, 77, [0.2, -0.4], 0.5, 0.25, 3)
    np.testing.assert_allclose(r["w"], w, rtol=1e-14)
    assert np.isclose(r["b"], b)


def test_zero_weights_have_no_boundary():
    r = PerceptronExplorer(data="and").result          # w = 0, b = 0: every z = 0, every prediction 1
    assert r["boundary"] is None and np.isnan(r["distance"])
    assert r["predictions"].tolist() == [1, 1, 1, 1] and r["n_mistakes"] == 3 and len(r["region"]) == 4
    r = PerceptronExplorer(data="and", b=-0.5).result
    assert r["predictions"].tolist() == [0, 0, 0, 0] and len(r["region"]) == 0


def test_a_line_outside_the_view_has_no_boundary():
    r = PerceptronExplorer(data="or", w1=1.0, w2=1.0, b=-3.5).result     # x1 + x2 = 3.5 misses [-0.5, 1.5]^2
    assert r["boundary"] is None and len(r["region"]) == 0 and r["predictions"].tolist() == [0, 0, 0, 0]


def test_xor_always_has_a_mistake():
    X, y = explorer_data("xor")
    r = PerceptronExplorer(data="xor", visits=400).result
    assert len(r["errors_per_epoch"]) == 100 and min(r["errors_per_epoch"]) >= 1


def test_invalid_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="Unknown data set 'nor'"):
        PerceptronExplorer(data="nor")
    with pytest.raises(ValueError, match="`lr` must be positive"):
        PerceptronExplorer(lr=0.0)
    with pytest.raises(ValueError, match="`visits` must be an integer >= 0"):
        PerceptronExplorer(visits=-1)
    with pytest.raises(ValueError, match=f"`visits` must be at most {MAX_VISITS}"):
        PerceptronExplorer(visits=MAX_VISITS + 1)
    with pytest.raises(TypeError, match="`visits` must be an integer"):
        PerceptronExplorer(visits=2.5)
    with pytest.raises(ValueError, match="`w1` must be a finite number"):
        PerceptronExplorer(w1=float("nan"))
    with pytest.raises(TypeError, match="`b` must be a real number"):
        PerceptronExplorer(b="1")
    with pytest.raises(ValueError, match="`seed` must be an integer >= 0"):
        PerceptronExplorer(seed=-3)
    with pytest.raises(TypeError, match="no parameter"):
        PerceptronExplorer(w3=1.0)


# -- figure and widget -----------------------------------------------------------------------------

def test_redraw_updates_the_same_artists():
    ex = PerceptronExplorer(data="or", w1=1.0, w2=1.0, b=-1.0)
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    line, region, wrong, title = ex._line, ex._region, ex._wrong, ex._title
    ex.redraw(w1=1.0, w2=2.0, b=-0.5)
    assert ex._line is line and ex._region is region and ex._wrong is wrong and ex._title is title
    xs, ys = line.get_data()
    np.testing.assert_allclose(1.0 * np.asarray(xs) + 2.0 * np.asarray(ys) - 0.5, 0, atol=1e-12)
    assert "w = (1.00, 2.00), b = -0.50" in title.get_text()
    ex.redraw(visits=3)
    r = ex.result
    np.testing.assert_array_equal(ex._last.get_offsets(), r["X"][[r["last_sample"]]])
    np.testing.assert_array_equal(ex._wrong.get_offsets(), r["X"][r["mistakes"]])
    ex.redraw(data="fruit", visits=0)
    assert ex._ax.get_xlim() == (-0.2, 2.0) and "weight" in ex._ax.get_xlabel()
    assert ex._legend.get_texts()[0].get_text() == "apple (class 0)"
    assert len(ex._points[0].get_offsets()) + len(ex._points[1].get_offsets()) == 40


def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = PerceptronExplorer(data="or")
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == set(PerceptronExplorer.defaults)
    first = ex._image.value
    controls["w1"].value = 1.0                                  # moving a slider
    assert ex.params["w1"] == 1.0 and np.array_equal(ex.result["w"], [1.0, 0.0])
    assert ex._image.value != first
    ex._buttons["sample"].click()                               # +1 sample
    assert controls["visits"].value == 1 and ex.result["visits"] == 1
    ex._buttons["epoch"].click()                                # to the end of the epoch
    assert controls["visits"].value == 4 and ex.result["epoch"] == 1
    ex._buttons["epoch"].click()
    assert ex.result["visits"] == 8 and len(ex.result["errors_per_epoch"]) == 2
    assert "visits 8" in ex._status.value
    controls["b"].value = -0.5                                  # a new start: back to visit 0
    assert controls["visits"].value == 0 and ex.result["visits"] == 0 and ex.result["b"] == -0.5
    ex._buttons["sample"].click()
    ex._buttons["restart"].click()
    assert ex.result["visits"] == 0
    controls["data"].value = "fruit"
    assert ex.result["data"] == "fruit" and len(ex.result["y"]) == 40
    ex.set(visits=5)                                            # set() moves the control
    assert controls["visits"].value == 5 and ex.result["visits"] == 5
    assert box is ex.widget()


# -- layered rendering (nnlearn/explore/_layers.py) ---------------------------------------------


def test_a_weight_move_draws_only_the_perceptron_and_a_new_data_set_redraws_all():
    ex = PerceptronExplorer()
    ex.render()
    drawn = _record_draws(_statics(ex))       # points, legend, axes, labels
    for w1, b in ((0.5, -0.25), (1.0, -0.75)):
        png = ex.redraw(w1=w1, w2=0.5, b=b)
        assert drawn == [] and ex._layers.rebuilds == 1
        assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    png = ex.redraw(visits=3)
    assert drawn == [] and np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    png = ex.redraw(data="fruit", visits=0)   # new limits, labels, legend and points
    assert ex._layers.rebuilds == 2 and ex._legend in drawn
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3


# -- the phone layout (the frames of ch 2's flipbook on narrow screens) ------------------------

@pytest.mark.parametrize("data, visits", [("fruit", 0), ("fruit", 10), ("fruit", 400), ("xor", 6),
                                          ("and", 0)])
def test_the_phone_layout_reads_on_a_phone_with_nothing_overlapping(data, visits):
    ex = PerceptronExplorer(data=data, visits=visits, layout="phone", dpi=180)
    png = ex.render()
    assert png[16:24] == (648).to_bytes(4, "big") + (801).to_bytes(4, "big")  # 3.6 x 4.45 inches
    assert shown_text_px(ex, png) >= MIN_TEXT_PX * 1.05                         # 10 px
    assert layout_problems(ex.fig) == []
    # The legend is under the plot, within the figure's width, clear of the axes and their labels.
    renderer = ex._canvas.get_renderer()
    legend = ex._legend.get_window_extent(renderer)
    axes = ex._ax.get_tightbbox(renderer, bbox_extra_artists=[])
    assert legend.y1 < axes.y0 and legend.x0 >= 0 and legend.x1 <= ex.fig.bbox.x1
    assert ex._title.get_text().count("\n") == 1


def test_the_desktop_layout_would_not_read_on_a_phone():
    ex = PerceptronExplorer(data="fruit", dpi=90)
    assert shown_text_px(ex, ex.render()) < MIN_TEXT_PX  # why the flipbook has phone frames


def test_the_phone_layout_shows_what_the_desktop_shows():
    phone = PerceptronExplorer(data="fruit", visits=12, layout="phone")
    desktop = PerceptronExplorer(data="fruit", visits=12)
    phone.render()
    desktop.render()
    assert phone._title.get_text().replace(":\n", ": ") == desktop._title.get_text()
    assert ([t.get_text() for t in phone._legend.get_texts()]
            == [t.get_text() for t in desktop._legend.get_texts()])
    np.testing.assert_array_equal(phone._wrong.get_offsets(), desktop._wrong.get_offsets())
    np.testing.assert_array_equal(phone._line.get_xydata(), desktop._line.get_xydata())
    assert phone.figsize == (3.6, 4.45) and desktop.figsize == (7, 4)


def test_a_move_in_the_phone_layout_shows_what_a_full_draw_shows():
    ex = PerceptronExplorer(data="fruit", layout="phone")
    ex.render()
    png = ex.redraw(visits=7)
    assert np.abs(_pixels(png) - _full_draw(ex, data="fruit", layout="phone")).max() <= 3
    png = ex.redraw(data="or", visits=0)       # the data set's limits, labels and legend change
    assert np.abs(_pixels(png) - _full_draw(ex, data="fruit", layout="phone")).max() <= 3
    assert layout_problems(ex.fig) == []


def test_a_bad_layout_is_rejected():
    with pytest.raises(ValueError, match=r"Unknown layout 'mobile'. Valid names: 'desktop'"):
        PerceptronExplorer(layout="mobile")
    with pytest.raises(TypeError, match=r"`layout` must be a layout name \(str\)"):
        PerceptronExplorer(layout=["phone"])
