r"""Residual (skip) connections (He et al., 2016): the output is ``X + f(X)``.

Import it as :class:`nnlearn.layers.Residual`.
"""

from .layers import Layer, Parameters

__all__ = ["Residual"]


class _Linked(Parameters):
    """The ``params`` (or ``grads``) of a :class:`Residual`: its inner layers' arrays
    under prefixed keys ``"<inner index>.<key>"``.

    The arrays are the inner layers' own; when a network moves them into its
    parameter vector (``_rebind``), the inner layer's dict is rebound too, so both
    keep seeing one array.
    """

    def __init__(self, layers, kind):
        super().__init__()
        self._links = {}
        for i, layer in enumerate(layers):
            inner = getattr(layer, kind)
            for key in inner:
                self._links[f"{i}.{key}"] = (inner, key)
                super()._rebind(f"{i}.{key}", inner[key])

    def _rebind(self, key, array):
        super()._rebind(key, array)
        inner, inner_key = self._links[key]
        inner._rebind(inner_key, array)


class Residual(Layer):
    r"""A skip connection around a chain of layers: :math:`Y = X + f(X)`.

    ``f`` applies ``layers`` in order and must keep the shape of its input.
    Backward adds the two paths: :math:`\partial L/\partial X = \delta + f'^\top\delta`
    with :math:`\delta = \partial L/\partial Y`, so the gradient reaches early
    layers undiminished through the identity path.

    Parameters
    ----------
    layers : list of Layer
        The layers of ``f``, in forward order, e.g.
        ``[Dense(16, 16), Activation("relu"), Dense(16, 16)]``.

    Attributes
    ----------
    layers : list of Layer
        The inner layers.
    params, grads : dict
        The inner layers' arrays (the same objects) under the keys
        ``"<inner index>.<key>"``: ``"0.W"``, ``"0.b"``, ``"2.W"``...  In a network
        the Residual at position 3 thus shows ``"3.0.W"`` in
        :meth:`~nnlearn.network.Sequential.named_parameters`, and the optimizer
        and :func:`nnlearn.training.fit` train these parameters like any other.

    Raises
    ------
    ValueError
        If ``f`` changes the shape: at construction when the sizes are known (a
        ``Dense(3, 4)`` maps 3 features to 4), otherwise at the first forward.

    Notes
    -----
    Setting ``training`` (``net.train()``, ``net.eval()``) sets it on every inner
    layer, so a Dropout or BatchNorm inside behaves as in the network.
    """

    def __init__(self, layers):
        from ._layer_widths import _chain_widths, _check_widths
        from .network import _check_layer_list

        inner = _check_layer_list(layers, "Residual")
        self.layers = inner
        super().__init__()
        _check_widths(inner)
        first, last = _chain_widths(inner)
        if first is not None and last is not None and first != last:
            raise ValueError("`layers` must keep the shape of their input in "
                             f"{self!r}, but they map {first[1]} features to {last[1]} "
                             f"(X + f(X) needs f(X) shaped like X). Hint: make the "
                             f"last layer output {first[1]}, e.g. "
                             f"Dense(..., {first[1]}).")
        self.params = _Linked(inner, "params")
        self.grads = _Linked(inner, "grads")

    @property
    def training(self):
        """Training mode of the inner layers (True when all of them are training)."""
        return all(layer.training for layer in self.layers)

    @training.setter
    def training(self, mode):
        for layer in self.layers:
            layer.training = mode

    def _check_input(self, X):
        return self.layers[0]._check_input(X)

    def _forward(self, X):
        out = X
        for layer in self.layers:
            out = layer._forward(out)
        if out.shape != X.shape:
            raise ValueError(f"the layers of {self!r} must keep the shape of their "
                             f"input: X has shape {X.shape} but f(X) has shape "
                             f"{out.shape} (X + f(X) needs f(X) shaped like X). Hint: "
                             "make the last inner layer output as many features as "
                             "the first one takes.")
        self._out_shape = X.shape
        return X + out

    def _backward(self, grad_output, need_input_grad=True):
        grad = grad_output
        for i in range(len(self.layers) - 1, -1, -1):
            need = need_input_grad or i > 0
            grad = self.layers[i]._backward(grad, need_input_grad=need)
        return grad_output + grad if need_input_grad else None

    def __repr__(self):
        return f"Residual([{', '.join(repr(layer) for layer in self.layers)}])"
