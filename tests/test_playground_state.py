"""Playground state strings: every setting and the seed in one short URL-safe string that
rebuilds the same run, clear errors for bad strings, and the widget's copy of the string,
tested headless."""

import urllib.parse

import numpy as np
import pytest

from nnlearn.explore._playground_state import V1_DEFAULTS, decode_state
from nnlearn.explore.playground import Playground, PlaygroundEngine

# One value other than the default for every setting (and valid with the defaults of the others).
CHANGED = {"dataset": "moons", "noise": 0.3, "train_ratio": 0.7, "n_samples": 150,
           "features": ("x1", "x2^2", "sin_x2"), "hidden": (8, 3, 2), "activation": "relu",
           "loss": "mse", "optimizer": "rmsprop", "lr": 0.1 + 0.2, "batch_size": 7, "l1": 1e-5,
           "l2": 0.003, "dropout": 0.15, "flip": 0.1, "discretize": True, "show_test": False,
           "seed": 12345}


def test_changed_values_differ_from_the_defaults_and_cover_every_setting():
    assert set(CHANGED) == set(Playground.defaults)
    assert all(CHANGED[k] != Playground.defaults[k] for k in CHANGED)


def test_the_frozen_version_1_defaults_are_the_playgrounds():
    """A string leaves out the settings equal to version 1's defaults; if the playground's
    defaults change, old strings keep their meaning only if V1_DEFAULTS stays as it is (and
    a new version is needed)."""
    assert V1_DEFAULTS == Playground.defaults == PlaygroundEngine.defaults


@pytest.mark.parametrize("key", sorted(CHANGED))
def test_every_setting_changed_alone_round_trips(key):
    pg = Playground(**{key: CHANGED[key]})
    text = pg.state
    assert text.startswith("v=1&") and f"&{key}=" in text
    again = Playground(state=text)
    assert again._p == pg._p and again._p[key] == pg._p[key]
    assert again.state == text
    assert Playground.from_state(text)._p == pg._p


def test_the_default_string_is_short_and_readable():
    assert Playground().state == "v=1&dataset=circle&seed=0"
    assert Playground(hidden=()).state == "v=1&dataset=circle&hidden=none&seed=0"
    pg = Playground(dataset="spiral", features=("x1", "x2", "sin_x1", "sin_x2"), hidden=(8, 8),
                    optimizer="adam", seed=3)
    assert pg.state == ("v=1&dataset=spiral&features=x1,x2,sin_x1,sin_x2&hidden=8,8&optimizer=adam"
                        "&seed=3")


def test_all_settings_changed_give_a_short_url_safe_string_that_reproduces_the_run():
    pg = Playground(**CHANGED)
    text = pg.state
    assert len(text) < 300, len(text)                               # measured 256
    # URL-safe: nothing a URL query would escape, and no '+', which a query reads as a space
    assert urllib.parse.quote(text, safe="=&,") == text and "+" not in text
    assert "lr=0.30000000000000004" in text and "l1=1e-05" in text   # exact, shortest form
    a, b = Playground(state=text), Playground.from_state(text)
    assert a._p == b._p == pg._p
    np.testing.assert_array_equal(a._theta, pg._theta)             # same initial weights
    for run in (a, b, pg):
        run.run_epochs(4)
    np.testing.assert_array_equal(a._theta, b._theta)
    np.testing.assert_array_equal(a._theta, pg._theta)
    assert a.history == b.history == pg.history
    assert a.accuracy() == b.accuracy()
    # ... and another seed is another run: the seed is in the string
    other = Playground(state=text.replace("seed=12345", "seed=12346"))
    other.run_epochs(4)
    assert other.history["train_loss"] != a.history["train_loss"]


def test_a_pasted_url_query_reads_the_same():
    text = Playground(features=("x1^2", "x2^2"), lr=3.0).state
    assert "features=x1sq,x2sq" in text                            # '^' is not URL-safe
    assert decode_state("?" + urllib.parse.quote(text, safe="")) == decode_state(text)
    assert decode_state(text.replace("x1sq", "x1^2"))["features"] == ("x1^2", "x2^2")


def test_large_and_tiny_numbers_round_trip_without_a_plus():
    pg = Playground(lr=1e20, l2=2.5e-7, seed=10**7)
    assert "lr=1e20" in pg.state and "+" not in pg.state
    assert Playground(state=pg.state)._p == pg._p


def test_keywords_override_the_string():
    text = Playground(dataset="xor", lr=0.3, seed=4).state
    pg = Playground(state=text, lr=0.01)
    assert pg.params["lr"] == 0.01 and pg.params["dataset"] == "xor" and pg.params["seed"] == 4
    assert "lr=0.01" in pg.state


def test_the_headless_engine_takes_and_gives_the_same_strings():
    text = Playground(dataset="gauss3", loss="cce", hidden=(5,), seed=2).state
    engine = PlaygroundEngine.from_state(text)
    assert engine.state == text and not hasattr(engine, "widget")
    engine.run_epochs(3)
    pg = Playground(state=text)
    pg.run_epochs(3)
    np.testing.assert_array_equal(engine._theta, pg._theta)


BAD = [
    ("", r"must start with its version, 'v=1'.*got nothing.*Hint: copy the whole string"),
    ("garbage!!", r"must start with its version.*got 'garbage!!'.*Hint"),
    ("dataset=xor&seed=1", r"must start with its version.*got 'dataset=xor'"),
    ("v=2&dataset=xor", r"version must be '1'.*got '2'.*Hint: the string was made by another"),
    ("v=1&datset=xor", r"has no key 'datset', got 'datset=xor'.*Hint: did you mean 'dataset'\? "
                       r"The keys are"),
    ("v=1&colour=red", r"has no key 'colour'.*Hint: The keys are v, dataset, noise"),
    ("v=1&lr=fast", r"key 'lr' must be a number such as 0.03, got 'fast'.*Hint"),
    ("v=1&seed=1.5", r"key 'seed' must be an integer such as 3, got '1.5'"),
    ("v=1&hidden=4,x", r"key 'hidden' must be layer widths joined by commas.*got '4,x'"),
    ("v=1&seed=1&seed=2", r"sets 'seed' twice, got 'seed=2'.*Hint: keep one"),
    ("v=1&dataset=xor&hidden", r"must be fields key=value joined by '&', got 'hidden'"),
    ("v=1&dataset=cirle", r"has a bad setting: Unknown data set \(`dataset`\) 'cirle'.*"
                          r"Did you mean 'circle'.*Hint: mend that key"),
    ("v=1&lr=0", r"has a bad setting: `lr` must be positive, got 0.0.*Hint"),
    ("v=1&dataset=gauss3", r"has a bad setting: `loss` 'bce' needs two classes"),
    ("v=1&features=x1,x3", r"has a bad setting: Unknown feature \(`features`\) 'x3'"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[t or "empty" for t, _ in BAD])
def test_bad_strings_raise_clear_errors(text, message):
    with pytest.raises(ValueError, match=message):
        Playground(state=text)


def test_a_state_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="`state` must be a str such as 'v=1&.*got dict"):
        Playground(state={"dataset": "xor"})


# -- the widget's copy of the string -------------------------------------------------------

def test_the_widget_shows_the_string_and_follows_the_controls():
    pg = Playground(seed=5)
    pg.widget()
    text = pg._state_text
    assert text.value == pg.state == "v=1&dataset=circle&seed=5"
    assert text.description == "state"                             # its accessible name
    assert "Playground(state=...)" in text.tooltip
    assert text not in pg._control_map.values()                  # not a setting of its own
    pg._control_map["lr"].value = 0.1
    assert text.value == pg.state and "lr=0.1" in text.value
    pg._control_map["features"].value = ("x1^2", "x2^2")
    assert text.value == pg.state and "features=x1sq,x2sq" in text.value
    pg._control_map["hidden"].value = "3, 2"
    assert text.value == pg.state and "hidden=3,2" in text.value
    pg.set(dataset="xor")
    assert text.value == pg.state and "dataset=xor" in text.value
    before = text.value
    pg._step_button.click()                                       # training changes no setting
    assert text.value == before and pg.epoch == 1
    # The string shown rebuilds what the widget shows.
    assert Playground(state=text.value)._p == pg._p


def test_the_widgets_string_is_read_only():
    pg = Playground()
    pg.widget()
    pg._state_text.value = "v=1&dataset=spiral&seed=9"            # an edit in the browser ...
    assert pg._state_text.value == pg.state == "v=1&dataset=circle&seed=0"   # ... is undone
    assert pg.params["dataset"] == "circle"
