"""Playground: data sets, features, training (against nnlearn.fit), reset/step, drawing in
place, the widget's controls, Play/Step/Reset, its layout and text size on a phone, clear
errors for bad parameters, and its split into modules by idea. (State strings:
tests/test_playground_state.py.)"""

import ast
import io
import pathlib
import sys

import numpy as np
import pytest

from nnlearn.explore.playground import (
    DATASETS,
    EXTENT,
    FEATURES,
    GRID_SIZE,
    Playground,
    feature_map,
    playground_data,
)
from nnlearn.optim import SGD
from nnlearn.training import fit

EXPLORE = pathlib.Path(__file__).resolve().parents[1] / "nnlearn" / "explore"

# -- data and features -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", DATASETS)
def test_datasets_shapes_labels_and_determinism(name):
    X, y = playground_data(name, 101, rng=3)
    k = 3 if name.endswith("3") else 2
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(k))
    assert np.abs(X).max() <= EXTENT
    X2, y2 = playground_data(name, 101, rng=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = playground_data(name, 101, rng=4)
    assert not np.array_equal(X, X3)
    Xn, _ = playground_data(name, 101, noise=0.5, rng=3)
    assert not np.allclose(X, Xn)


def test_dataset_patterns():
    X, y = playground_data("circle", 400, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2 and r[y == 0].min() >= 3.5
    X, y = playground_data("xor", 400, rng=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    X, y = playground_data("gauss", 2000, rng=0)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert np.bincount(playground_data("gauss3", 10, rng=0)[1]).tolist() == [4, 3, 3]


def test_feature_map_values():
    X = np.array([[3.0, -6.0], [np.pi / 2, 0.0]])
    F = feature_map(X, FEATURES)
    expected = [[0.5, -1.0, 0.25, 1.0, -0.5, np.sin(3.0), np.sin(-6.0)],
                [np.pi / 12, 0.0, (np.pi / 2) ** 2 / 36, 0.0, 0.0, 1.0, 0.0]]
    np.testing.assert_allclose(F, expected)
    np.testing.assert_allclose(feature_map(X, ["x2", "x1"]), X[:, ::-1] / 6)
    # Every feature lies in [-1, 1] on the whole square.
    corners = np.array([[6.0, 6.0], [-6.0, 6.0], [6.0, -6.0], [-6.0, -6.0]])
    assert np.abs(feature_map(corners, FEATURES)).max() <= 1.0


# -- training ----------------------------------------------------------------------------------------

def test_squared_features_let_a_linear_model_learn_the_circle_quickly():
    pg = Playground(dataset="circle", features=("x1^2", "x2^2"), hidden=(), optimizer="adam", lr=0.03)
    first = pg.result["train_loss"]
    state = pg.step(30)
    assert state["train_loss"] < 0.5 * first
    assert state["test_accuracy"] == 1.0
    plain = Playground(dataset="circle", hidden=(), optimizer="adam", lr=0.03)
    assert plain.step(30)["test_accuracy"] < 0.7


def test_step_and_history_counts():
    pg = Playground()
    state = pg.step(7)
    assert state["epoch"] == pg.epoch == 7
    assert state["history"]["epoch"].tolist() == list(range(8))
    assert len(state["history"]["train_loss"]) == len(state["history"]["test_loss"]) == 8
    assert pg.run_epochs(3) == 10
    assert state["image"].shape == (GRID_SIZE, GRID_SIZE, 3) and state["proba"].shape == (GRID_SIZE, GRID_SIZE, 2)
    np.testing.assert_allclose(state["proba"].sum(axis=2), 1.0)


def test_reset_restores_the_initial_weights_and_repeats_the_run():
    pg = Playground(dropout=0.2)
    theta0 = pg._theta.copy()
    run1 = pg.step(5)["history"]["train_loss"]
    assert not np.array_equal(pg._theta, theta0)
    state = pg.reset()
    np.testing.assert_array_equal(pg._theta, theta0)
    assert state["epoch"] == 0 and len(state["history"]["train_loss"]) == 1
    run2 = pg.step(5)["history"]["train_loss"]
    np.testing.assert_array_equal(run1, run2)


def test_same_seed_same_run_and_other_seed_other_run():
    a = Playground(seed=1).step(3)["history"]["test_loss"]
    b = Playground(seed=1).step(3)["history"]["test_loss"]
    c = Playground(seed=2).step(3)["history"]["test_loss"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("loss", ["bce", "mse", "cce"])
def test_full_batch_epoch_with_l2_matches_nnlearn_fit(loss):
    pg = Playground(loss=loss, optimizer="sgd", lr=0.1, batch_size=10_000, l2=0.01)
    pg.step(1)
    after_playground = pg._theta.copy()
    pg.reset()
    fit(pg.model, pg.F_train, pg.T_train, loss=loss, optimizer=SGD(0.1), epochs=1, l2=0.01, progress=False)
    np.testing.assert_allclose(pg._theta, after_playground, rtol=1e-12, atol=1e-14)


def test_l1_adds_lambda_sign_w_to_the_weight_gradients_only():
    pg = Playground(optimizer="sgd", lr=0.1, batch_size=10_000, l1=0.05)
    theta0 = pg._theta.copy()
    pg.step(1)
    with_l1 = pg._theta.copy()
    pg.reset()
    fit(pg.model, pg.F_train, pg.T_train, loss="bce", optimizer=SGD(0.1), epochs=1, progress=False)
    expected = pg._theta - 0.1 * 0.05 * pg._weight_mask * np.sign(theta0)
    np.testing.assert_allclose(with_l1, expected, rtol=1e-12, atol=1e-14)
    pg.reset()
    fit(pg.model, pg.F_train, pg.T_train, loss="bce", optimizer=SGD(0.1), epochs=1, l1=0.05, progress=False)
    np.testing.assert_allclose(pg._theta, with_l1, rtol=1e-12, atol=1e-14)  # fit's own l1 agrees
    assert pg._weight_mask.sum() == sum(layer.params["W"].size for layer in pg.model if "W" in layer.params)


def test_recorded_losses_are_the_eval_mode_losses_on_each_set():
    pg = Playground(dropout=0.3)
    state = pg.step(2)
    out_train, out_test = pg.model.predict(pg.F_train), pg.model.predict(pg.F_test)
    assert np.isclose(state["train_loss"], pg.loss(out_train, pg.T_train))
    assert np.isclose(state["test_loss"], pg.loss(out_test, pg.T_test))
    assert state["test_accuracy"] == np.mean((out_test[:, 0] >= 0.5) == pg.y_test)


def test_structural_changes_rebuild_and_others_do_not():
    pg = Playground()
    pg.step(4)
    pg.update(lr=0.1, batch_size=20, l2=0.001)
    assert pg.epoch == 4 and pg.optimizer.lr == 0.1
    pg.update(optimizer="adam")
    assert pg.epoch == 4 and type(pg.optimizer).__name__ == "Adam"
    pg.update(hidden=(3,))
    assert pg.epoch == 0 and pg.model.n_params == 2 * 3 + 3 + 3 + 1
    pg.update(dataset="gauss3", loss="cce")
    assert pg.result["proba"].shape[2] == 3 and pg.model.layers[-2].n_out == 3


def test_snapshot_is_what_update_step_and_reset_return():
    pg = Playground()
    stepped = pg.step(2)
    snapshot = pg.snapshot()
    assert snapshot["epoch"] == 2 and snapshot["train_loss"] == stepped["train_loss"]
    np.testing.assert_array_equal(snapshot["image"], stepped["image"])
    assert pg.reset()["epoch"] == pg.snapshot()["epoch"] == 0


def test_divergence_stops_training():
    pg = Playground()
    pg._theta[0] = np.inf
    pg.step(5)
    assert pg.diverged and pg.epoch == 1
    pg.reset()
    assert not pg.diverged and np.isfinite(pg._theta).all()


# -- drawing and the widget ---------------------------------------------------------------------------

def test_redraw_changes_artists_in_place():
    pg = Playground()
    png0 = pg.render()
    heat, line = pg._heat, pg._train_line
    before = np.asarray(heat.get_array()).copy()
    pg.step(20)
    png1 = pg.render()
    assert pg._heat is heat and pg._train_line is line and png1 != png0
    assert not np.allclose(np.asarray(heat.get_array()), before)
    assert len(line.get_xdata()) == 21
    png2 = pg.redraw(dataset="xor")
    assert png2 != png1 and pg._heat is heat
    np.testing.assert_allclose(pg._train_pts.get_offsets(), pg.X_train)


def test_controls_drive_update():
    pg = Playground()
    pg.widget()
    controls = pg._control_map
    assert set(controls) == set(Playground.defaults)
    pg.step(3)
    controls["lr"].value = 0.1
    assert pg.params["lr"] == 0.1 and pg.optimizer.lr == 0.1 and pg.epoch == 3
    before = pg.result["image"].copy()
    controls["features"].value = ("x1^2", "x2^2")
    assert pg.params["features"] == ("x1^2", "x2^2") and pg.model.layers[0].n_in == 2 and pg.epoch == 0
    assert not np.allclose(pg.result["image"], before)
    controls["hidden"].value = "3, 2, 2"
    assert pg.model.n_params == 2 * 3 + 3 + 3 * 2 + 2 + 2 * 2 + 2 + 2 + 1
    controls["dataset"].value = "spiral"
    np.testing.assert_array_equal(pg.X_train, playground_data("spiral", 400, rng=np.random.default_rng(0))[0][:200])
    pg.set(noise=0.5)
    assert controls["noise"].value == 0.5 and pg.params["noise"] == 0.5


def test_play_step_and_reset_buttons():
    pg = Playground(epochs_per_frame=4)
    pg.widget()
    image = pg._image.value
    pg._play.value += 1
    assert pg.epoch == 4 and pg._image.value != image
    pg._play.value += 1
    assert pg.epoch == 8
    pg._step_button.click()
    assert pg.epoch == 9
    pg._reset_button.click()
    assert pg.epoch == 0 and pg.result["epoch"] == 0


# On a 390 px phone the book's content column is 358 px wide (measured in Chromium).
PHONE_COLUMN = 358


def _pixels(length):
    """The pixels of a fixed CSS length such as '290px', or None (relative, auto or unset)."""
    return float(length[:-2]) if isinstance(length, str) and length.endswith("px") else None


def test_widget_layout_reflows_on_a_phone():
    """The saved widget state (what the static page's HTML manager renders): no box or
    control is fixed wider than a phone's column, the two columns wrap, and the figure
    takes the width of its column instead of a fixed pixel width."""
    from ipywidgets.embed import dependency_state, embed_data

    box = Playground().widget()
    saved = dependency_state(box, drop_defaults=False)  # this widget's models only
    data = embed_data(views=[box], drop_defaults=False, state=saved)
    state = data["manager_state"]["state"]
    layouts = {f"IPY_MODEL_{key}": model["state"] for key, model in state.items()
               if model["model_name"] == "LayoutModel"}
    widgets = {key: model for key, model in state.items() if "layout" in model["state"]}
    assert len(widgets) >= len(Playground.defaults) + 6  # controls, boxes, buttons, image
    for key, model in widgets.items():
        layout = layouts[model["state"]["layout"]]
        basis = (layout["flex"] or "").split()[2:]
        for length in (layout["width"], layout["min_width"], *basis):
            px = _pixels(length)
            assert px is None or px <= PHONE_COLUMN, (model["model_name"], length)
    root = layouts[state[data["view_specs"][0]["model_id"]]["state"]["layout"]]
    assert root["flex_flow"] == "row wrap"
    figure, network = [m for m in widgets.values() if m["model_name"] == "ImageModel"]
    image_layout = layouts[figure["state"]["layout"]]
    assert image_layout["width"] == "100%" and image_layout["height"] == "auto"
    # The network view: at its own size, never wider than the column.
    network_layout = layouts[network["state"]["layout"]]
    assert network_layout["max_width"] == "100%" and network_layout["height"] == "auto"


def test_figure_text_is_at_least_9px_on_a_phone():
    """Shown as wide as a phone's column, every text of the figure (ticks, labels,
    legends, status line) is at least 9 px tall on screen."""
    from matplotlib.text import Text
    from PIL import Image

    pg = Playground()
    pg.step(2)
    png_width = Image.open(io.BytesIO(pg.render())).size[0]
    texts = [t for t in pg.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) >= 20
    for text in texts:
        on_screen = text.get_fontsize() * pg.fig.dpi / 72 * PHONE_COLUMN / png_width
        assert on_screen >= 9, (text.get_text(), round(on_screen, 2))


def test_invalid_parameters_raise_clear_errors():
    with pytest.raises(ValueError, match="`dataset`.*'cirle'.*Did you mean 'circle'"):
        Playground(dataset="cirle")
    with pytest.raises(ValueError, match="`features`.*'x3'"):
        Playground(features=("x1", "x3"))
    with pytest.raises(ValueError, match="`features` must name at least one"):
        Playground(features=())
    with pytest.raises(ValueError, match="`loss` 'bce' needs two classes"):
        Playground(dataset="gauss3", loss="bce")
    with pytest.raises(ValueError, match="`lr` must be positive"):
        Playground(lr=0.0)
    with pytest.raises(ValueError, match="`hidden\\[1\\]` must be an integer >= 1"):
        Playground(hidden=(4, 0))
    with pytest.raises(ValueError, match="`hidden` must list"):
        Playground(hidden="4, four")
    with pytest.raises(ValueError, match="`dropout` must lie in"):
        Playground(dropout=1.0)
    with pytest.raises(ValueError, match="`train_ratio`"):
        Playground(train_ratio=1.2)
    with pytest.raises(ValueError, match="`l2` must be non-negative"):
        Playground(l2=-0.1)
    with pytest.raises(ValueError, match="`optimizer`"):
        Playground(optimizer="adamw")
    with pytest.raises(TypeError, match="no parameter"):
        Playground(learning_rate=0.1)
    pg = Playground()
    with pytest.raises(ValueError, match="`activation`"):
        pg.update(activation="swish")
    assert pg.params["activation"] == "tanh"  # a rejected value is not kept
    with pytest.raises(ValueError, match="`name`"):
        playground_data("spirals")
    with pytest.raises(ValueError, match="`X` must have shape"):
        feature_map(np.zeros((3, 3)), ["x1"])


# -- the modules -----------------------------------------------------------------------------------

OLD_PUBLIC_NAMES = ["Playground", "playground_data", "feature_map", "DATASETS", "FEATURES",
                    "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "LEARNING_RATES", "PENALTIES",
                    "EXTENT", "GRID_SIZE", "CLASS_COLORS"]


def test_the_public_names_stay_where_they_were():
    import nnlearn.explore
    import nnlearn.explore.playground as module

    assert set(OLD_PUBLIC_NAMES) <= set(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert nnlearn.explore.Playground is module.Playground
    assert "Playground" in nnlearn.explore.__all__


def test_the_playground_is_split_into_modules_of_at_most_400_lines():
    """The developers' guide: a module past ~400 lines is two ideas."""
    modules = sorted(EXPLORE.glob("*playground*.py"))
    assert {p.name for p in modules} >= {"playground.py", "_playground_data.py",
                                        "_playground_engine.py", "_playground_state.py"}
    for path in modules:
        n_lines = len(path.read_text().splitlines())
        assert n_lines <= 400, (path.name, n_lines)


@pytest.mark.parametrize("name", ["_playground_data", "_playground_engine", "_playground_state",
                                  "_playground_settings"])
def test_the_numerical_parts_import_only_numpy_and_nnlearn_even_inside_functions(name):
    tree = ast.parse((EXPLORE / f"{name}.py").read_text())
    third_party = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            third_party |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            third_party.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom):         # relative: nnlearn, not the widget
            assert node.module not in ("explorer", "playground"), (name, node.module)
    assert third_party - set(sys.stdlib_module_names) <= {"numpy"}, name
