"""RegularizationExplorer and its helpers: results match nnlearn, drawing is in place (a move redraws
only what changed, and looks like a full draw), controls drive update, bad parameters raise clear
errors."""

import io

import numpy as np
import pytest
from PIL import Image

from nnlearn.explore.regularization import (DROPOUTS, EPOCHS, GRID, L2S, N_TRAIN, N_VAL, WIDTHS,
                                            RegularizationExplorer, cached_fit, make_network,
                                            regularization_data, train_network)
from nnlearn.layers import Dropout
from nnlearn.training import evaluate

from .layered_checks import _full_draw, _pixels


def test_data_shapes_and_seeds():
    X, y, Xv, yv = regularization_data()
    assert X.shape == (N_TRAIN, 1) and Xv.shape == (N_VAL, 1)
    assert not np.array_equal(X[:5], Xv[:5])
    np.testing.assert_array_equal(regularization_data()[1], y)


def test_make_network_has_dropout_only_when_p_positive():
    assert sum(isinstance(l, Dropout) for l in make_network(4, p=0.3)) == 2
    assert not any(isinstance(l, Dropout) for l in make_network(4))


def test_update_matches_a_fresh_training_run():
    e = RegularizationExplorer(width=4, l2=0.01, p=0.1)
    r = e.result
    net, history = train_network(4, l2=0.01, p=0.1)
    np.testing.assert_allclose(r["curve"], net.predict(GRID[:, None]).ravel())
    X, y, Xv, yv = regularization_data()
    assert np.isclose(r["train_loss"], evaluate(net, X, y, loss="mse")["loss"])
    assert np.isclose(r["val_loss"], evaluate(net, Xv, yv, loss="mse")["loss"])
    assert np.isclose(r["gap"], r["val_loss"] - r["train_loss"])
    np.testing.assert_allclose(r["val_loss_history"], history.val_loss)
    assert len(r["epochs"]) == EPOCHS


def test_redraw_changes_artists_in_place():
    e = RegularizationExplorer(width=4)
    png0 = e.render()
    curve, val_line = e._curve, e._val_line
    before = curve.get_ydata().copy()
    png1 = e.redraw(l2=0.1)
    assert e._curve is curve and e._val_line is val_line
    assert not np.allclose(curve.get_ydata(), before) and png1 != png0
    np.testing.assert_allclose(curve.get_ydata(), cached_fit(4, 0.1, 0.0).curve)


def test_controls_drive_update():
    e = RegularizationExplorer(width=4)
    e.widget()
    before = e.result["curve"].copy()
    e._control_map["p"].value = 0.2
    assert e.params["p"] == 0.2 and not np.allclose(e.result["curve"], before)
    e._control_map["width"].value = 2
    assert e.params["width"] == 2
    assert list(e._control_map["l2"].options) == list(L2S)
    assert list(e._control_map["p"].options) == list(DROPOUTS)
    assert list(e._control_map["width"].options) == list(WIDTHS)


def test_invalid_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="`width` must be one of"):
        cached_fit(3, 0.0, 0.0)
    with pytest.raises(ValueError, match="`l2` must be one of"):
        RegularizationExplorer(l2=0.5)
    with pytest.raises(TypeError, match="`p` must be a number"):
        cached_fit(4, 0.0, "0.1")
    with pytest.raises(TypeError, match="no parameter"):
        RegularizationExplorer(lam=0.1)
    with pytest.raises(ValueError, match="p"):
        make_network(4, p=1.0)


# -- layered rendering (nnlearn/explore/_layers.py) -------------------------------------------------


def _count_draws(artists, calls):
    for artist in artists:
        artist.draw = lambda renderer, draw=artist.draw, artist=artist: (calls.append(artist),
                                                                         draw(renderer))


def test_a_move_draws_the_curves_only_and_shows_what_a_full_draw_shows():
    e = RegularizationExplorer(width=4)
    e.render()
    ax_fit, ax_loss = e.fig.axes
    static = [ax_fit.xaxis, ax_fit.yaxis, ax_loss.xaxis, ax_loss.yaxis, ax_fit.get_legend(),
              ax_loss.get_legend(), ax_fit.patch, *ax_fit.spines.values(), *ax_fit.lines[:3]]
    calls = []
    _count_draws(static, calls)
    for l2 in (0.001, 0.1, 0.0):
        png = e.redraw(l2=l2)
        # at most a level or two of 255 apart (rounding where kept layers are blended)
        assert np.abs(_pixels(png) - _full_draw(e, width=4)).max() <= 3
    assert calls == [] and e._layers.rebuilds == 1          # the axes, legends, data: drawn once


def test_changes_outside_draw_rebuild_the_kept_layers():
    e = RegularizationExplorer(width=4)
    e.render()
    e.fig.axes[1].set_ylabel("MSE")          # a static artist changes, then a savefig draws it
    e.fig.savefig(io.BytesIO(), format="png")   # and clears its stale flag
    e.render()
    assert e._layers.rebuilds == 2
    e.fig.axes[0].set_xlabel("input x")      # a static artist changes (it is stale)
    png = e.render()
    assert e._layers.rebuilds == 3
    e.fig.axes[0].axhline(0.0, color="0.5")  # an artist added
    png = e.render()
    assert e._layers.rebuilds == 4
    twin = RegularizationExplorer(width=4)   # the same changes made to a twin, drawn in full
    twin.figure().axes[1].set_ylabel("MSE")
    twin.fig.axes[0].set_xlabel("input x")
    twin.fig.axes[0].axhline(0.0, color="0.5")
    buffer = io.BytesIO()
    twin._canvas.print_png(buffer)
    assert np.abs(_pixels(png) - _pixels(buffer.getvalue())).max() <= 3
    # The PNG is RGB when the figure is opaque (every pixel is), RGBA when it is not.
    assert Image.open(io.BytesIO(png)).mode == "RGB"
    e.fig.patch.set_alpha(0.0)
    assert Image.open(io.BytesIO(e.render())).mode == "RGBA"


def test_a_text_drawn_beyond_its_box_is_kept_whole():
    from matplotlib.patheffects import withStroke

    e = RegularizationExplorer(width=4)
    e.render()
    stroke = [withStroke(linewidth=30, foreground="#F0E442")]   # 15 pixels around the letters
    e._title.set_path_effects(stroke)
    png = e.render()
    twin = RegularizationExplorer(width=4)
    twin.figure()
    twin._title.set_path_effects(stroke)
    buffer = io.BytesIO()
    twin._canvas.print_png(buffer)
    assert np.abs(_pixels(png) - _pixels(buffer.getvalue())).max() <= 3
    assert e._layers.rebuilds == 1
