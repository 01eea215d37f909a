"""The widths of a stack of layers, for :class:`~nnlearn.network.Sequential` and
:class:`~nnlearn.layers.Residual`: what each layer takes and gives, and the check that
consecutive layers agree, with errors that name the layer and what it expected.

Part of :mod:`nnlearn.network`; nnlearn's layers only.
"""

from .layers import Activation, BatchNorm, Dense, Dropout, Residual

__all__ = []


def _walk(layers, prefix=""):
    """Yield ``("[i]", layer)`` for every layer, and ``("[i].layers[j]", inner)`` for
    the layers inside a Residual, depth first."""
    for i, layer in enumerate(layers):
        yield f"{prefix}[{i}]", layer
        if isinstance(layer, Residual):
            yield from _walk(layer.layers, f"{prefix}[{i}].layers")


_SAME = "same"  # a layer whose output has the shape of its input


def _io_widths(layer):
    """Return ``(input, output)`` of a layer, each ``(ndim, width)`` or None when
    unknown, or ``_SAME``.

    ``width`` is the size of the feature axis: the last axis of a 2-D ``(n, features)``
    or 3-D ``(n, steps, features)`` array, axis 1 (channels) of a 4-D image batch.  The
    convolution and recurrent layers live above this module, so they are recognised by
    their attributes; a layer of unknown type (or one, like Flatten, whose output size
    depends on the input) makes the widths unknown, and the check resumes at the next
    layer of known size.
    """
    if isinstance(layer, (Activation, Dropout)):
        return _SAME
    if isinstance(layer, Dense):
        return (2, layer.n_in), (2, layer.n_out)
    if isinstance(layer, BatchNorm):
        return (2, layer.n_features), (2, layer.n_features)
    if isinstance(layer, Residual):
        # X + f(X) has the shape of X, whatever is known of f
        first, last = _chain_widths(layer.layers)
        if first is _SAME or (first is None and last is None):
            return _SAME
        return (first, first) if first is not None else (last, last)
    kind = type(layer).__name__
    if all(hasattr(layer, a) for a in ("in_channels", "out_channels", "kernel_size")):
        # Conv2D
        return (4, layer.in_channels), (4, layer.out_channels)
    if kind == "MaxPool2D" and type(layer).__module__ == "nnlearn.conv":
        return _SAME
    if all(hasattr(layer, a) for a in ("n_in", "n_hidden", "return_sequences")):
        # SimpleRNN
        return (3, layer.n_in), (3 if layer.return_sequences else 2, layer.n_hidden)
    return None, None


def _chain_widths(layers):
    """Return ``(input, output)`` of a chain of layers, each ``(ndim, width)`` or None
    when unknown; ``(_SAME, _SAME)`` when every layer keeps the shape of its input."""
    specs = [spec for spec in map(_io_widths, layers) if spec is not _SAME]
    if not specs:
        return _SAME, _SAME
    return specs[0][0], specs[-1][1]


_AXES = {2: "features", 3: "features per step", 4: "channels"}
_SHAPES = {2: "(n_samples, n_features)", 3: "(n_samples, n_steps, n_features)",
           4: "(n_samples, channels, height, width)"}


def _check_widths(layers):
    """Check that every layer of known size receives what the previous layer of known
    size produces."""
    # output (ndim, width) of the last layer of known size, and its index
    prev, prev_i = None, None
    for i, layer in enumerate(layers):
        spec = _io_widths(layer)
        if spec is _SAME:
            continue
        expected, produced = spec
        if prev is not None and expected is not None:
            if prev[0] != expected[0]:
                hint = ""
                if prev[0] == 4 and expected[0] == 2:
                    hint = " Hint: put Flatten() between them."
                elif prev[0] == 3 and expected[0] == 2:
                    hint = (" Hint: build the recurrent layer with "
                            "return_sequences=False to pass on its last state.")
                raise ValueError(f"`layers` must chain: layers[{i}] {layer!r} expects "
                                 f"a {expected[0]}-D input "
                                 f"{_SHAPES.get(expected[0], '')} but layers[{prev_i}] "
                                 f"{layers[prev_i]!r} outputs a {prev[0]}-D array "
                                 f"{_SHAPES.get(prev[0], '')}.{hint}")
            if prev[1] != expected[1]:
                axis = _AXES.get(expected[0], "features")
                raise ValueError("`layers` must have matching widths: "
                                 f"layers[{prev_i}] {layers[prev_i]!r} outputs "
                                 f"{prev[1]} {axis} but layers[{i}] {layer!r} expects "
                                 f"{expected[1]}. Hint: give layers[{i}] an input size "
                                 f"of {prev[1]}, or layers[{prev_i}] an output size of "
                                 f"{expected[1]}.")
        prev, prev_i = (produced, i) if produced is not None else (None, None)
