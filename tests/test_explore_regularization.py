"""RegularizationExplorer and its helpers: results match nnlearn, drawing is in place, controls drive update,
bad parameters raise clear errors."""

import numpy as np
import pytest

from nnlearn.explore.regularization import (DROPOUTS, EPOCHS, GRID, L2S, N_TRAIN, N_VAL, WIDTHS,
                                            RegularizationExplorer, cached_fit, make_network,
                                            regularization_data, train_network)
from nnlearn.layers import Dropout
from nnlearn.training import evaluate


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
