"""Saving and loading networks: the architecture as JSON and the weights as arrays, in
one ``.npz`` file.

The file is a numpy ``.npz`` archive holding

* ``architecture``: a JSON text with the format name and version, the network
  class (``MLP`` or ``Sequential``), its dtype, its layers, and a SHA-256
  checksum of the weights;
* one array per parameter, named like
  :meth:`~nnlearn.network.Sequential.named_parameters` (``"0.W"``, ``"0.b"``, ...,
  and ``"2.0.W"`` for the first inner layer of a Residual at position 2);
* the running statistics of every BatchNorm layer, named like its parameters
  (``"1.running_mean"``, ``"1.running_var"``).

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
from .layers import Activation, BatchNorm, Dense, Dropout, Residual
from .network import MLP, Sequential

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION"]

#: Name written into every file, checked on loading.
FORMAT = "nnlearn-model"
#: Version of the file layout; loading refuses files from a newer version.
#: Version 2 added BatchNorm and Residual layers; a network without them is written
#: as version 1, which older nnlearn reads too.
FORMAT_VERSION = 2


def save(model, path):
    """Save ``model`` (architecture and weights) to the file ``path`` (``.npz`` is
    recommended).

    Parameters
    ----------
    model : Sequential or MLP
        Built from nnlearn's own layers (Dense, Activation, Dropout, BatchNorm,
        Residual).
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
        raise TypeError(f"`model` must be an nnlearn Sequential or MLP, "
                        f"got {type(model).__name__}.")
    layers = [_layer_config(str(i), layer) for i, layer in enumerate(model.layers)]
    weights = {name: np.ascontiguousarray(param)
               for name, param in _arrays(model).items()}
    new_layers = any(isinstance(layer, (BatchNorm, Residual))
                     for layer in model.layers)
    architecture = {
        "format": FORMAT,
        "version": FORMAT_VERSION if new_layers else 1,
        "class": "MLP" if isinstance(model, MLP) else "Sequential",
        "dtype": model._theta.dtype.name,
        "layers": layers,
        "sha256": _checksum(weights),
    }
    if isinstance(model, MLP):
        architecture["mlp"] = {
            "sizes": model.sizes,
            "activation": _activation_config(model.activation),
            "output_activation": None if model.output_activation is None
            else _activation_config(model.output_activation),
        }
    with open(_path_name(path), "wb") as f:
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
    path = _check_path(path)
    arrays = _read_arrays(path)
    architecture = _read_architecture(arrays.pop("architecture", None), path)
    _check_sizes(architecture, arrays, path)
    model = _build(architecture, path)
    expected = _arrays(model)
    if set(arrays) != set(expected):
        raise ValueError(f"{path!r}: the weights {sorted(arrays)} do not match the "
                         f"architecture, which needs {sorted(expected)}.")
    for name, param in expected.items():
        if arrays[name].shape != param.shape or arrays[name].dtype != param.dtype:
            raise ValueError(f"{path!r}: weight {name!r} has shape "
                             f"{arrays[name].shape} and dtype {arrays[name].dtype}; "
                             f"the architecture needs {param.shape} and {param.dtype}.")
    if _checksum(arrays) != architecture.get("sha256"):
        raise ValueError(f"{path!r}: the weights do not match the checksum saved with "
                         "them; the file was altered or damaged after saving.")
    for name, param in expected.items():
        param[...] = arrays[name]
    return model


def _path_name(path, example="save(model, 'model.npz')"):
    """``path`` as a str, or a ``TypeError`` naming it (an int would be taken as a file
    descriptor)."""
    if isinstance(path, bool) or not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"`path` must be a file name (str or os.PathLike), "
                        f"got {type(path).__name__} {path!r}. Hint: {example}.")
    path = os.fspath(path)
    return os.fsdecode(path) if isinstance(path, bytes) else path


def _check_path(path):
    """``path`` as the str name of an existing file, or a clear error naming it."""
    path = _path_name(path, example="load('model.npz')")
    if not os.path.exists(path):
        raise FileNotFoundError(f"`path` {path!r} does not exist (no such file). "
                                f"Hint: check the name and the working directory "
                                f"{os.getcwd()!r}.")
    if os.path.isdir(path):
        raise ValueError(f"`path` {path!r} is a directory, not an nnlearn model file "
                         f"(.npz written by save).")
    return path


def _read_arrays(path):
    """Every array of the ``.npz`` archive at ``path``; anything unreadable is a
    ``ValueError`` naming it.

    Whatever goes wrong inside numpy or zipfile (a truncated file, a zip entry with an
    unsupported version, encryption or compression method, a bad CRC, a plain ``.npy``
    or a text file renamed ``.npz``, pickled content) means the file is not one that
    :func:`save` wrote.
    """
    try:
        if zipfile.is_zipfile(path):
            _check_declared_sizes(path)
        with open(path, "rb") as handle:
            archive = np.load(handle, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError(f"it holds a single {type(archive).__name__} "
                                 "(a .npy file?), not an .npz archive written by "
                                 "nnlearn.save")
            with archive:
                return {name: archive[name] for name in archive.files}
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        # a foreign file can fail in many ways; all mean "not a model"
        raise ValueError(f"`path` {path!r} is not a readable nnlearn model file "
                         f"(truncated, corrupted or another kind of file?): "
                         f"{type(exc).__name__}: {exc}") from None


def _arrays(model):
    """Every array a file holds for ``model``, by name: the parameters, then each
    BatchNorm's running statistics (the live arrays)."""
    arrays = {name: param for name, param, _ in model.named_parameters()}

    def add_state(layers, prefix):
        for i, layer in enumerate(layers):
            if isinstance(layer, BatchNorm):
                arrays[f"{prefix}{i}.running_mean"] = layer.running_mean
                arrays[f"{prefix}{i}.running_var"] = layer.running_var
            elif isinstance(layer, Residual):
                add_state(layer.layers, f"{prefix}{i}.")

    add_state(model.layers, "")
    return arrays


def _layer_config(index, layer):
    """The JSON record of ``layer`` at position ``index`` (``"2"``, or ``"2.0"`` inside
    a Residual)."""
    if type(layer) is Dense:
        return {"type": "Dense", "n_in": layer.n_in, "n_out": layer.n_out}
    if type(layer) is Activation:
        return {"type": "Activation",
                "activation": _activation_config(layer.activation)}
    if type(layer) is Dropout:
        return {"type": "Dropout", "p": layer.p}
    if type(layer) is BatchNorm:
        return {"type": "BatchNorm", "n_features": layer.n_features,
                "momentum": layer.momentum, "eps": layer.eps}
    if type(layer) is Residual:
        return {"type": "Residual",
                "layers": [_layer_config(f"{index}.{i}", inner)
                           for i, inner in enumerate(layer.layers)]}
    raise TypeError(f"layer {index} ({type(layer).__name__}) cannot be saved: only "
                    "nnlearn's Dense, Activation, Dropout, BatchNorm and Residual "
                    "layers can.")


def _activation_config(fn):
    if ACTIVATIONS.get(fn.name) is not type(fn):
        raise TypeError(f"activation {fn!r} cannot be saved: only the built-in "
                        f"activations {sorted(ACTIVATIONS)} can.")
    return {"name": fn.name, "options": dict(vars(fn))}


def _checksum(weights):
    digest = hashlib.sha256()
    for name in sorted(weights):
        array = np.ascontiguousarray(weights[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _check_declared_sizes(path):
    """Refuse an archive whose ``.npy`` headers declare more data than the entries hold.

    numpy allocates an array from the shape in its header before reading the data, so a
    tampered header (shape ``(10**12,)``) would ask for terabytes; this reads only the
    headers.
    """
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with archive.open(info) as entry:
                version = np.lib.format.read_magic(entry)
                # 3.0 differs only in encoding from 2.0
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, _, dtype = read_header(entry)
                declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
                if declared > info.file_size:
                    raise ValueError(f"the entry {info.filename!r} declares an array "
                                     f"of shape {shape} ({declared} bytes) but holds "
                                     f"only {info.file_size} bytes")


def _read_architecture(raw, path):
    if raw is None or raw.dtype.kind != "U" or raw.shape != ():
        raise ValueError(f"{path!r} is not an nnlearn model file: it has no "
                         f"architecture record.")
    try:
        architecture = json.loads(str(raw))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{path!r}: the architecture record is not valid JSON "
                         f"({exc}).") from None
    if not isinstance(architecture, dict):
        raise ValueError(f"{path!r} is not an nnlearn model file: its architecture "
                         f"record is a JSON {type(architecture).__name__}, not an "
                         f"object with the format, class and layers.")
    if architecture.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not an nnlearn model file "
                         f"(format {architecture.get('format')!r}).")
    version = architecture.get("version")
    if (isinstance(version, bool) or not isinstance(version, int)
            or version > FORMAT_VERSION or version < 1):
        raise ValueError(f"{path!r} has format version {version!r}; this nnlearn reads "
                         f"version {FORMAT_VERSION} and older. "
                         f"Upgrade nnlearn to load it.")
    return architecture


def _check_sizes(architecture, arrays, path):
    """Check the layer sizes of the record against the stored arrays *before* building
    anything.

    A network is allocated from the sizes in the JSON record, so a tampered record (say
    ``n_in = 10**7``) could ask for terabytes.  Every Dense layer's ``(n_in, n_out)``
    must be the shape of its stored weight ``"<i>.W"`` (and an MLP's ``sizes`` must be
    those of its Dense layers), so nothing larger than the arrays already read from the
    file is ever allocated.
    """
    def invalid(what):
        return ValueError(f"{path!r}: the architecture record is invalid ({what}); the "
                          "file was altered or damaged after saving.")

    layers = architecture.get("layers")
    try:
        needed, dense_sizes = _needed_arrays(layers, "", invalid)
    except RecursionError:
        raise invalid("the layers are nested too deeply") from None
    if set(arrays) != set(needed):
        raise ValueError(f"{path!r}: the weights {sorted(arrays)} do not match the "
                         f"architecture, which needs {sorted(needed)}.")
    for name, (shape, what) in needed.items():
        if arrays[name].shape != shape:
            raise ValueError(f"{path!r}: weight {name!r} has shape "
                             f"{arrays[name].shape} and dtype {arrays[name].dtype}; "
                             f"the architecture needs {shape} ({what}). The file was "
                             "altered or damaged after saving.")
    if architecture.get("class") == "MLP":
        mlp = architecture.get("mlp")
        sizes = mlp.get("sizes") if isinstance(mlp, dict) else None
        if (not isinstance(sizes, list) or len(sizes) < 2
                or list(zip(sizes[:-1], sizes[1:])) != dense_sizes
                or any(isinstance(n, bool) or not isinstance(n, int) for n in sizes)):
            raise invalid(f"the MLP sizes {sizes!r} do not match its Dense layers "
                          f"{dense_sizes}")


def _needed_arrays(layers, prefix, invalid):
    """``({name: (shape, description)}, dense sizes)`` for the layer records
    ``layers``, read from the JSON only (nothing is allocated)."""
    if not isinstance(layers, list):
        raise invalid(f"'{prefix}layers' must be a list, got {type(layers).__name__}")
    needed, dense_sizes = {}, []
    for i, config in enumerate(layers):
        where = f"{prefix}{i}"
        if not isinstance(config, dict):
            raise invalid(f"layer {where} must be a JSON object, "
                          f"got {type(config).__name__}")
        kind = config.get("type")
        if kind == "Residual":
            inner, sizes = _needed_arrays(config.get("layers"), f"{where}.", invalid)
            needed.update(inner)
            dense_sizes.extend(sizes)
            continue
        keys = {"Dense": ("n_in", "n_out"), "BatchNorm": ("n_features",)}.get(kind)
        if keys is None:
            continue
        for key in keys:
            size = config.get(key)
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise invalid(f"layer {where} has {key}={size!r}, "
                              "not a positive integer")
        if kind == "Dense":
            n_in, n_out = config["n_in"], config["n_out"]
            what = (f"Dense layer {where} with {n_in} inputs and {n_out} outputs")
            needed[f"{where}.W"] = ((n_in, n_out), what)
            needed[f"{where}.b"] = ((n_out,), what)
            dense_sizes.append((n_in, n_out))
        else:
            n = config["n_features"]
            for key in ("gamma", "beta", "running_mean", "running_var"):
                needed[f"{where}.{key}"] = ((n,), f"BatchNorm layer {where} of {n} "
                                                  "features")
    return needed, dense_sizes


def _build(architecture, path):
    """A fresh network from the architecture record (its weights are overwritten by the
    caller)."""
    try:
        dtype = np.dtype(architecture["dtype"])
        if architecture["class"] == "MLP":
            mlp = architecture["mlp"]
            out = mlp["output_activation"]
            model = MLP(mlp["sizes"], activation=_activation(mlp["activation"]),
                        output_activation=None if out is None else _activation(out),
                        init="zeros", dtype=dtype)
            if ([_layer_config(i, layer) for i, layer in enumerate(model.layers)]
                    != architecture["layers"]):
                raise ValueError("the MLP settings and the layer list disagree")
            return model
        if architecture["class"] == "Sequential":
            return Sequential([_layer(config, dtype)
                               for config in architecture["layers"]])
        raise ValueError(f"unknown network class {architecture['class']!r}")
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError,
            RecursionError) as exc:
        raise ValueError(f"{path!r}: the architecture record is invalid "
                         f"({type(exc).__name__}: {exc}).") from None


def _activation(config):
    options = config["options"]
    if not isinstance(options, dict):
        raise TypeError(f"activation options must be a JSON object, "
                        f"got {type(options).__name__}")
    return get_activation(config["name"], **options)


def _layer(config, dtype):
    kind = config["type"]
    if kind == "Dense":
        return Dense(config["n_in"], config["n_out"], init="zeros", dtype=dtype)
    if kind == "Activation":
        return Activation(_activation(config["activation"]))
    if kind == "Dropout":
        return Dropout(config["p"])
    if kind == "BatchNorm":
        return BatchNorm(config["n_features"], momentum=config["momentum"],
                         eps=config["eps"], dtype=dtype)
    if kind == "Residual":
        inner = config["layers"]
        if not isinstance(inner, list):
            raise TypeError(f"Residual layers must be a JSON list, "
                            f"got {type(inner).__name__}")
        return Residual([_layer(c, dtype) for c in inner])
    raise ValueError(f"unknown layer type {kind!r}")
