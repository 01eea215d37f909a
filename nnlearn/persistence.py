"""Saving and loading networks: the architecture as JSON and the weights as arrays, in one ``.npz`` file.

The file is a numpy ``.npz`` archive holding

* ``architecture``: a JSON text with the format name and version, the network
  class (``MLP`` or ``Sequential``), its dtype, its layers, and a SHA-256
  checksum of the weights;
* one array per parameter, named like :meth:`~nnlearn.network.Sequential.named_parameters`
  (``"0.W"``, ``"0.b"``, ...).

Loading never unpickles (``allow_pickle=False``), so a file cannot run code.
It builds a fresh network from the JSON, checks every array's name, shape and
dtype and the checksum, and only then copies the weights in: a truncated,
tampered or incompatible file raises a ``ValueError`` and nothing
half-loaded is returned.  A round trip is exact: predictions are bit-identical.
Optimizer state and dropout random streams are not saved.
"""

import hashlib
import json
import os
import zipfile

import numpy as np

from .activations import ACTIVATIONS
from .activations import get as get_activation
from .layers import Activation, Dense, Dropout
from .network import MLP, Sequential

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION"]

#: Name written into every file, checked on loading.
FORMAT = "nnlearn-model"
#: Version of the file layout; loading refuses files from a newer version.
FORMAT_VERSION = 1


def save(model, path):
    """Save ``model`` (architecture and weights) to the file ``path`` (``.npz`` is recommended).

    Parameters
    ----------
    model : Sequential or MLP
        Built from nnlearn's own layers (Dense, Activation, Dropout).
    path : str or os.PathLike
        Written as given (no extension is added); an existing file is replaced.

    Examples
    --------
    >>> import tempfile, os, numpy as np
    >>> from nnlearn import MLP
    >>> net = MLP([2, 3, 1], activation="tanh", rng=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> save(net, path)
    >>> X = np.ones((1, 2))
    >>> bool(np.array_equal(load(path).predict(X), net.predict(X)))
    True
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be an nnlearn Sequential or MLP, got {type(model).__name__}.")
    weights = {name: np.ascontiguousarray(param) for name, param, _ in model.named_parameters()}
    architecture = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "class": "MLP" if isinstance(model, MLP) else "Sequential",
        "dtype": model._theta.dtype.name,
        "layers": [_layer_config(i, layer) for i, layer in enumerate(model.layers)],
        "sha256": _checksum(weights),
    }
    if isinstance(model, MLP):
        architecture["mlp"] = {
            "sizes": model.sizes,
            "activation": _activation_config(model.activation),
            "output_activation": None if model.output_activation is None
            else _activation_config(model.output_activation),
        }
    with open(os.fspath(path), "wb") as f:
        np.savez(f, architecture=np.array(json.dumps(architecture)), **weights)


def load(path):
    """Load a network saved by :func:`save`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Sequential or MLP
        A new network with the saved architecture and exactly the saved weights.

    Raises
    ------
    ValueError
        If the file is not an nnlearn model, is truncated or corrupted, was
        altered after saving, or comes from a newer format version.
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:
        try:
            with np.load(handle, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
            raise ValueError(f"`path` {path!r} is not a readable nnlearn model file (truncated or "
                             f"corrupted?): {type(exc).__name__}: {exc}") from None
    architecture = _read_architecture(arrays.pop("architecture", None), path)
    model = _build(architecture, path)
    expected = {name: param for name, param, _ in model.named_parameters()}
    if set(arrays) != set(expected):
        raise ValueError(f"{path!r}: the weights {sorted(arrays)} do not match the architecture, "
                         f"which needs {sorted(expected)}.")
    for name, param in expected.items():
        if arrays[name].shape != param.shape or arrays[name].dtype != param.dtype:
            raise ValueError(f"{path!r}: weight {name!r} has shape {arrays[name].shape} and dtype "
                             f"{arrays[name].dtype}; the architecture needs {param.shape} and {param.dtype}.")
    if _checksum(arrays) != architecture.get("sha256"):
        raise ValueError(f"{path!r}: the weights do not match the checksum saved with them; "
                         "the file was altered or damaged after saving.")
    for name, param in expected.items():
        param[...] = arrays[name]
    return model


def _layer_config(index, layer):
    if type(layer) is Dense:
        return {"type": "Dense", "n_in": layer.n_in, "n_out": layer.n_out}
    if type(layer) is Activation:
        return {"type": "Activation", "activation": _activation_config(layer.activation)}
    if type(layer) is Dropout:
        return {"type": "Dropout", "p": layer.p}
    raise TypeError(f"layer {index} ({type(layer).__name__}) cannot be saved: only nnlearn's Dense, "
                    "Activation and Dropout layers can.")


def _activation_config(fn):
    if ACTIVATIONS.get(fn.name) is not type(fn):
        raise TypeError(f"activation {fn!r} cannot be saved: only the built-in activations "
                        f"{sorted(ACTIVATIONS)} can.")
    return {"name": fn.name, "options": dict(vars(fn))}


def _checksum(weights):
    digest = hashlib.sha256()
    for name in sorted(weights):
        array = np.ascontiguousarray(weights[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _read_architecture(raw, path):
    if raw is None or raw.dtype.kind != "U" or raw.shape != ():
        raise ValueError(f"{path!r} is not an nnlearn model file: it has no architecture record.")
    try:
        architecture = json.loads(str(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path!r}: the architecture record is not valid JSON ({exc}).") from None
    if not isinstance(architecture, dict) or architecture.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not an nnlearn model file (format {architecture.get('format')!r}).")
    version = architecture.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ValueError(f"{path!r} has format version {version!r}; this nnlearn reads version "
                         f"{FORMAT_VERSION} and older. Upgrade nnlearn to load it.")
    return architecture


def _build(architecture, path):
    """A fresh network from the architecture record (its weights are overwritten by the caller)."""
    try:
        dtype = np.dtype(architecture["dtype"])
        if architecture["class"] == "MLP":
            mlp = architecture["mlp"]
            out = mlp["output_activation"]
            model = MLP(mlp["sizes"], activation=_activation(mlp["activation"]),
                        output_activation=None if out is None else _activation(out), init="zeros", dtype=dtype)
            if [_layer_config(i, layer) for i, layer in enumerate(model.layers)] != architecture["layers"]:
                raise ValueError("the MLP settings and the layer list disagree")
            return model
        if architecture["class"] == "Sequential":
            return Sequential([_layer(config, dtype) for config in architecture["layers"]])
        raise ValueError(f"unknown network class {architecture['class']!r}")
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path!r}: the architecture record is invalid ({type(exc).__name__}: {exc}).") from None


def _activation(config):
    return get_activation(config["name"], **config["options"])


def _layer(config, dtype):
    kind = config["type"]
    if kind == "Dense":
        return Dense(config["n_in"], config["n_out"], init="zeros", dtype=dtype)
    if kind == "Activation":
        return Activation(_activation(config["activation"]))
    if kind == "Dropout":
        return Dropout(config["p"])
    raise ValueError(f"unknown layer type {kind!r}")
