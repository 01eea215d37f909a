"""Networks: a chain of layers (:class:`Sequential`) and the multilayer perceptron
(:class:`MLP`).

Forward propagation feeds the batch through the layers in order; backward
propagation sends :math:`\\partial L/\\partial \\hat y` back through them in
reverse, each layer applying the chain rule and storing its parameter
gradients.  The network checks its input once and then calls the layers'
unchecked ``_forward``/``_backward``.
"""

import numpy as np

from ._validation import (check_array, check_float_dtype, check_int, check_layer_size,
                          check_rng)
from .activations import _get as get_activation
from ._layer_widths import _check_widths, _walk
from .layers import Activation, Dense, Dropout, Layer, Residual

__all__ = ["Sequential", "MLP"]


class _Text(str):
    """A string that shows itself as plain text in a notebook (used by ``summary``)."""

    def __repr__(self):
        return str(self)


def _check_layers(layers, more_layers):
    """Return ``layers`` as a list after checking it is a non-empty list of distinct,
    chained Layer objects."""
    example = "Sequential([Dense(2, 8), Activation('relu'), Dense(8, 1)])"
    if more_layers:
        raise TypeError("Sequential takes one list of layers, got "
                        f"{1 + len(more_layers)} positional arguments. Hint: wrap the "
                        f"layers in a list: {example}.")
    layers = _check_layer_list(layers, "Sequential", example)
    _check_widths(layers)
    return layers


def _check_layer_list(layers, owner, example=None):
    """Return ``layers`` as a list after checking it is a non-empty list of distinct
    Layer objects (also inside any :class:`~nnlearn.layers.Residual` among them).

    ``owner`` names the class taking the list (Sequential, Residual) in the hints.
    """
    example = example or f"{owner}([Dense(8, 8), Activation('relu'), Dense(8, 8)])"
    if isinstance(layers, Layer):
        raise TypeError("`layers` must be a list of layers, got a single layer "
                        f"{layers!r}. Hint: wrap it in a list: "
                        f"{owner}([{layers!r}]).")
    if isinstance(layers, Sequential):
        hint = ("to copy or extend a network, pass its layers: "
                "Sequential(net.layers + [...])" if owner == "Sequential"
                else f"pass its layers: {owner}(net.layers)")
        raise TypeError("`layers` must be a list of layers, got a network "
                        f"{type(layers).__name__}. Hint: {hint}.")
    if (layers is None or isinstance(layers, (str, bytes, dict))
            or not hasattr(layers, "__iter__")):
        raise TypeError("`layers` must be a list of layers, got "
                        f"{type(layers).__name__} {layers!r}. Hint: {example}.")
    layers = list(layers)
    for i, layer in enumerate(layers):
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(f"`layers[{i}]` must be a Layer object, got the class "
                            f"{layer.__name__} itself. Hint: create the layer, e.g. "
                            f"{layer.__name__}(...) with its sizes.")
        if isinstance(layer, Sequential):
            raise TypeError(f"`layers[{i}]` must be a Layer "
                            "(Dense, Activation, Dropout, ...), got a network "
                            f"{type(layer).__name__}. Hint: networks do not nest; "
                            "concatenate the layer lists: "
                            "Sequential(net1.layers + net2.layers).")
        if not isinstance(layer, Layer):
            hint = (f" Hint: use Activation({layer!r})." if isinstance(layer, str)
                    else "")
            raise TypeError(f"`layers[{i}]` must be a Layer "
                            "(Dense, Activation, Dropout, ...), got "
                            f"{type(layer).__name__} {layer!r}.{hint}")
    if not layers:
        raise ValueError("`layers` must contain at least one layer, got an empty list. "
                         f"Hint: {example}.")
    seen = {}
    for where, layer in _walk(layers):
        if id(layer) in seen:
            raise ValueError("`layers` must not contain the same layer object twice: "
                             f"layers{seen[id(layer)]} and layers{where} are one "
                             f"{layer!r}. nnlearn has no weight sharing, and a layer "
                             "keeps the input of its last forward pass. Hint: create a "
                             f"new layer for each position, e.g. a second {layer!r}.")
        seen[id(layer)] = where
    return layers


class Sequential:
    """A network that applies its layers one after another.

    Parameters
    ----------
    layers : list of Layer
        The layers in forward order.

    Examples
    --------
    >>> from nnlearn.layers import Dense, Activation
    >>> net = Sequential([Dense(2, 3, rng=0), Activation("tanh"), Dense(3, 1, rng=1)])
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    """

    def __init__(self, layers, *more_layers):
        layers = _check_layers(layers, more_layers)
        self.layers = layers
        self._out_shape = None
        self._pack_parameters()

    def _pack_parameters(self):
        r"""Move all parameters into one vector :math:`\theta`, and all gradients into
        another.

        Each layer's ``params[key]`` and ``grads[key]`` become views into these
        two contiguous vectors, so the layers work as before while an optimizer
        can update the whole network in a few numpy calls (see
        :meth:`flat_parameters`).  Arrays taken from a layer *before* it joined
        the network are no longer its parameters; assigning ``layer.params["W"] = M``
        afterwards writes into the view (see :class:`nnlearn.layers.Parameters`).
        """
        entries = [(layer, key) for layer in self.layers for key in layer.params]
        dtypes = {layer.params[key].dtype for layer, key in entries}
        if len(dtypes) > 1:
            raise ValueError("all layers must share one dtype, got "
                             f"{sorted(str(d) for d in dtypes)}. Build every Dense "
                             "layer with the same `dtype`.")
        dtype = dtypes.pop() if dtypes else np.dtype(np.float64)
        total = sum(layer.params[key].size for layer, key in entries)
        self._theta = np.empty(total, dtype=dtype)
        self._grad_theta = np.zeros(total, dtype=dtype)
        self._flat_slices = {}  # "<layer index>.<key>" -> where it lives in theta
        offset = 0
        for layer, key in entries:
            shape, size = layer.params[key].shape, layer.params[key].size
            where = slice(offset, offset + size)
            self._flat_slices[f"{self.layers.index(layer)}.{key}"] = where
            view = self._theta[where].reshape(shape)
            view[...] = layer.params[key]
            layer.params._rebind(key, view)
            layer.grads._rebind(key, self._grad_theta[where].reshape(shape))
            offset += size

    # -- forward and backward ----------------------------------------------------------

    def forward(self, X):
        """Return the network output for ``X`` of shape ``(n_samples, n_features)``."""
        return self._forward(self.layers[0]._check_input(X))

    def backward(self, grad_output):
        r"""Back-propagate :math:`\partial L/\partial \hat y` (shaped like the output).

        Stores every layer's parameter gradients in its ``grads`` and returns
        :math:`\partial L/\partial X`.
        """
        if self._out_shape is None:
            raise RuntimeError("call forward() before backward().")
        grad = check_array(grad_output, "grad_output", ndim=2)
        if grad.shape != self._out_shape:
            raise ValueError(f"`grad_output` must have the shape of the network output "
                             f"{self._out_shape}, got {grad.shape}.")
        return self._backward(grad)

    def _forward(self, X):
        for layer in self.layers:
            X = layer._forward(X)
        self._out_shape = X.shape
        return X

    def _backward(self, grad, *, below=None, need_input_grad=True):
        """Unchecked backward pass.

        ``grad`` is the gradient with respect to the output of the last layer,
        or, with ``below=k``, with respect to the *input* of layer ``k`` (the
        training loop uses this to skip an output activation whose gradient it
        has folded into the loss).  Returns dL/dX, or None if not needed.
        """
        layers = self.layers if below is None else self.layers[:below]
        for i in range(len(layers) - 1, -1, -1):
            grad = layers[i]._backward(grad, need_input_grad=need_input_grad or i > 0)
        return grad

    def predict(self, X):
        """Output for ``X`` in evaluation mode (dropout off); the mode is restored
        afterwards."""
        modes = [layer.training for layer in self.layers]
        self.eval()
        try:
            return self.forward(X)
        finally:
            for layer, mode in zip(self.layers, modes):
                layer.training = mode

    __call__ = forward

    # -- modes and parameters ----------------------------------------------------------

    def train(self):
        """Switch every layer to training mode; returns the network."""
        for layer in self.layers:
            layer.training = True
        return self

    def eval(self):
        """Switch every layer to evaluation mode (dropout off); returns the network."""
        for layer in self.layers:
            layer.training = False
        return self

    @property
    def training(self):
        """True when the layers are in training mode."""
        return all(layer.training for layer in self.layers)

    def parameters(self):
        """Return the ``(param, grad)`` pairs in layer order (``W``, ``b`` per Dense).

        These are the live arrays: an optimizer updates ``param`` in place and
        ``backward`` overwrites ``grad`` in place.
        """
        return [(param, grad) for _, param, grad in self.named_parameters()]

    def flat_parameters(self):
        r"""Return ``[(theta, grad_theta)]``: all parameters as one vector and all
        gradients as another.

        The same numbers as :meth:`parameters`, as a single pair of contiguous
        1-D arrays (every ``W`` and ``b`` is a view into them).  Optimizers
        apply their rules element by element, so stepping on this one pair gives
        exactly the same update as stepping on the per-layer pairs, in far
        fewer numpy calls.
        """
        return [(self._theta, self._grad_theta)]

    def named_parameters(self):
        """Return ``(name, param, grad)`` triples; names are ``"<layer index>.<key>"``,
        e.g. ``"0.W"``."""
        return [(f"{i}.{key}", layer.params[key], layer.grads[key])
                for i, layer in enumerate(self.layers) for key in layer.params]

    @property
    def n_params(self):
        """Total number of trainable scalars."""
        return sum(layer.n_params for layer in self.layers)

    # -- display -----------------------------------------------------------------------

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        lines = [f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers)]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"

    def summary(self):
        """Return a table of layers, output widths and parameter counts (prints nicely
        in a notebook)."""
        rows = [("#", "layer", "output", "params")]
        width = None
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense):
                width = layer.n_out
            shape = f"(n, {width})" if width is not None else "(n, ?)"
            rows.append((str(i), repr(layer), shape, f"{layer.n_params:,}"))
        cols = [max(len(r[c]) for r in rows) for c in range(4)]

        def fmt(r):
            return (f"{r[0]:>{cols[0]}}  {r[1]:<{cols[1]}}  {r[2]:<{cols[2]}}  "
                    f"{r[3]:>{cols[3]}}")

        rule = "-" * len(fmt(rows[0]))
        body = ([fmt(rows[0]), rule] + [fmt(r) for r in rows[1:]]
                + [rule, f"Total parameters: {self.n_params:,}"])
        return _Text("\n".join(body))


class MLP(Sequential):
    """Multilayer perceptron: Dense layers with an activation between them.

    ``MLP([n_in, h_1, ..., h_k, n_out])`` builds
    ``Dense(n_in, h_1), f, Dense(h_1, h_2), f, ..., Dense(h_k, n_out)`` and,
    if ``output_activation`` is given, a final activation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input features first and outputs last (at least two entries).
    activation : str, default "relu"
        Activation of the hidden layers.
    output_activation : str or None
        Activation of the output (``"sigmoid"``, ``"softmax"``, ...); None leaves it
        linear.
    init : str or callable, default "xavier_uniform"
        Weight initializer of every Dense layer (biases start at zero).
    rng : None, int or numpy.random.Generator
        Randomness for the weights; the layers draw from it in order, so a seed fixes
        them all.
    dtype : float32 or float64, default float64

    Examples
    --------
    >>> net = MLP([2, 16, 16, 1], activation="tanh", output_activation="sigmoid", rng=0)
    >>> net.n_params
    337
    """

    def __init__(self, sizes, *, activation="relu", output_activation=None,
                 init="xavier_uniform", rng=None, dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError("`sizes` must be a list of layer widths such as "
                            f"[2, 16, 1], got {sizes!r}.")
        if len(sizes) < 2:
            raise ValueError("`sizes` must list at least the input and output widths, "
                             f"got {list(sizes)}.")
        self.sizes = [check_int(s, f"sizes[{i}]", minimum=1)
                      for i, s in enumerate(sizes)]
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            what = f"`sizes` {self.sizes}: layer {i + 1}, Dense({n_in}, {n_out}),"
            check_layer_size(n_in * n_out + n_out, what)
        self.activation = get_activation(activation, "activation")
        self.output_activation = (
            None if output_activation is None
            else get_activation(output_activation, "output_activation"))
        self.init = init
        self.dtype = check_float_dtype(dtype)
        rng = check_rng(rng)
        layers = []
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=self.dtype))
            if i < len(self.sizes) - 2:
                layers.append(Activation(self.activation))
        if self.output_activation is not None:
            layers.append(Activation(self.output_activation))
        super().__init__(layers)

    def __repr__(self):
        out = ("None" if self.output_activation is None
               else repr(self.output_activation.name))
        extra = "" if self.dtype == np.float64 else f", dtype={self.dtype.name}"
        return (f"MLP({self.sizes}, activation={self.activation.name!r}, "
                f"output_activation={out}{extra})")
