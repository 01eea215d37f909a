"""save/load: exact round trips, and clear errors for damaged, tampered or incompatible files."""

import json
import zipfile

import numpy as np
import pytest

from nnlearn import MLP, Activation, Dense, Dropout, Sequential
from nnlearn.persistence import FORMAT_VERSION, load, save


@pytest.fixture
def X(rng):
    return rng.normal(size=(20, 3))


@pytest.mark.parametrize("make", [
    lambda: MLP([3, 8, 4, 2], activation="tanh", output_activation="softmax", rng=0),
    lambda: MLP([3, 5, 1], activation="leaky_relu", rng=1, dtype=np.float32),
    lambda: Sequential([Dense(3, 6, rng=2), Activation("leaky_relu", alpha=0.2), Dropout(0.3, rng=0),
                        Dense(6, 1, rng=3), Activation("sigmoid")]),
])
def test_round_trip_is_bit_identical(make, X, tmp_path):
    model = make()
    for p, _ in model.parameters():
        p += 0.01  # biases non-zero too
    path = tmp_path / "model.npz"
    save(model, path)
    loaded = load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for (a, _), (b, _) in zip(loaded.parameters(), model.parameters()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert loaded.layers[1].activation.__dict__ == model.layers[1].activation.__dict__


def test_path_is_used_as_given(tmp_path):
    path = tmp_path / "weights.model"
    save(MLP([2, 1], rng=0), path)
    assert path.exists() and not (tmp_path / "weights.model.npz").exists()


def test_truncated_file(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 4, 1], rng=0), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable nnlearn model file"):
        load(path)


def rewrite(path, change):
    """Rewrite an .npz archive, letting `change(arrays)` edit its entries."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def test_tampered_weights_fail_the_checksum(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 4, 1], rng=0), path)

    def nudge(arrays):
        arrays["0.W"] = arrays["0.W"].copy()
        arrays["0.W"][0, 0] += 1e-12
    rewrite(path, nudge)
    with pytest.raises(ValueError, match="checksum"):
        load(path)


def test_weights_that_do_not_fit_the_architecture(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 4, 1], rng=0), path)
    rewrite(path, lambda a: a.update({"0.W": np.zeros((4, 4))}))
    with pytest.raises(ValueError, match=r"weight '0.W' has shape \(4, 4\)"):
        load(path)
    rewrite(path, lambda a: a.pop("2.b"))
    with pytest.raises(ValueError, match="do not match the architecture"):
        load(path)


def edit_architecture(path, change):
    def apply(arrays):
        arch = json.loads(str(arrays["architecture"]))
        change(arch)
        arrays["architecture"] = np.array(json.dumps(arch))
    rewrite(path, apply)


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 1], rng=0), path)
    edit_architecture(path, lambda a: a.update(version=FORMAT_VERSION + 1))
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1}.*Upgrade nnlearn"):
        load(path)


def test_invalid_architecture_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 1], rng=0), path)
    edit_architecture(path, lambda a: a["mlp"].update(activation={"name": "swish", "options": {}}))
    with pytest.raises(ValueError, match="architecture record is invalid.*Unknown activation 'swish'"):
        load(path)


def test_other_files_are_refused(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(ValueError, match="no architecture record"):
        load(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a readable nnlearn model file"):
        load(text)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.npz")


def test_pickled_content_is_never_loaded(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 1], rng=0), path)
    with zipfile.ZipFile(path, "a") as z, z.open("evil.npy", "w") as f:
        np.lib.format.write_array(f, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a readable nnlearn model file"):
        load(path)


def test_custom_layers_cannot_be_saved(tmp_path):
    class MyDense(Dense):
        pass
    with pytest.raises(TypeError, match="layer 0 \\(MyDense\\) cannot be saved"):
        save(Sequential([MyDense(2, 1)]), tmp_path / "m.npz")
    with pytest.raises(TypeError, match="`model` must be an nnlearn Sequential"):
        save("net", tmp_path / "m.npz")
