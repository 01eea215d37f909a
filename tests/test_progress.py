"""fit's progress bar: closed, it shows the last epoch's loss, even for a run shorter than its
refresh interval (half a second), where it used to show the first epoch's; in Pyodide it starts
no thread."""

import re

import numpy as np

import nnlearn


def _run(capsys, epochs, **kwargs):
    X = np.linspace(-1, 1, 40)[:, None]
    y = np.sin(3 * X)
    net = nnlearn.MLP([1, 8, 1], activation="tanh", rng=0)
    history = nnlearn.fit(net, X, y, loss="mse", optimizer=nnlearn.optim.Adam(0.05),
                          epochs=epochs, rng=0, progress=True, **kwargs)
    err = capsys.readouterr().err
    return history, err


def _last_shown(err, key):
    values = re.findall(rf"(?<![\w]){key}=([-+0-9.e]+)", err)  # "loss" is not "val_loss"
    assert values, err[-500:]
    return values[-1]


def test_a_short_run_shows_its_final_loss(capsys):
    history, err = _run(capsys, epochs=30)
    assert history["loss"][0] > 2 * history["loss"][-1]   # the loss moved during the run
    assert _last_shown(err, "loss") == f"{history['loss'][-1]:.4g}"
    assert "30/30" in err


def test_the_final_validation_loss_is_shown_too(capsys):
    X_val = np.linspace(-0.9, 0.9, 10)[:, None]
    history, err = _run(capsys, epochs=20, validation_data=(X_val, np.sin(3 * X_val)))
    assert _last_shown(err, "val_loss") == f"{history['val_loss'][-1]:.4g}"
    assert _last_shown(err, "loss") == f"{history['loss'][-1]:.4g}"


def test_in_pyodide_the_bar_starts_no_monitor_thread(monkeypatch):
    """Pyodide (sys.platform "emscripten") has no threads: tqdm's monitor is switched off there."""
    import sys

    from tqdm.auto import tqdm

    from nnlearn.callbacks import _Bar

    monkeypatch.setattr(tqdm, "monitor_interval", 10)        # restored after the test
    _Bar(3).close()
    assert tqdm.monitor_interval == 10                         # CPython: left alone
    monkeypatch.setattr(sys, "platform", "emscripten")
    bar = _Bar(3)
    assert tqdm.monitor_interval == 0
    bar.close()
