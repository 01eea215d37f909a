r"""Initialization explorer: how the starting weights decide whether signals and
gradients survive depth.

:func:`layer_statistics` builds a deep, square network of ``depth`` blocks
``Dense(width, width)`` → activation, pushes a seeded batch
:math:`X \sim \mathcal N(0, 1)` of shape ``(n_samples, width)`` through it,
back-propagates the mean squared error against seeded random targets with
nnlearn's ``backward``, and returns, layer by layer,

* the standard deviation of the activations :math:`a^{(l)} = f(z^{(l)})`, and
* the Frobenius norm :math:`\lVert \partial L/\partial W^{(l)} \rVert_F` of the weight
  gradient.

:class:`InitializationExplorer` shows both as bar charts (log scale) with
controls for the depth, width, activation, initializer and, for the plain
``"normal"`` initializer, its standard deviation.
"""

import functools

import numpy as np

from .. import init as init_module
from .._validation import check_int, check_positive, check_rng
from ..activations import get as get_activation
from ..layers import Activation, Dense
from ..losses import MSE
from ..network import Sequential
from ._layers import LayeredExplorer

__all__ = ["layer_statistics", "deep_network", "InitializationExplorer", "INITIALIZERS",
           "ACTIVATIONS", "MAX_DEPTH"]

#: Initializers the explorer offers (``"normal"`` uses the ``std`` parameter).
INITIALIZERS = ("normal", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform",
                "zeros")
#: Activations the explorer offers.
ACTIVATIONS = ("sigmoid", "tanh", "relu")
#: The deepest network the explorer draws.
MAX_DEPTH = 30


def _initializer(initializer, std):
    if not isinstance(initializer, str) or initializer not in INITIALIZERS:
        raise ValueError(f"`initializer` must be one of {list(INITIALIZERS)}, "
                         f"got {initializer!r}.")
    if initializer == "normal":
        return functools.partial(init_module.normal, std=check_positive(std, "std"))
    return init_module.get(initializer)


def deep_network(depth, width, activation, initializer, *, std=0.01, rng=0):
    """The square network ``[Dense(width, width), Activation(activation)] * depth``
    used by :func:`layer_statistics`.

    Parameters
    ----------
    depth : int
        Number of Dense layers (each followed by the activation).
    width : int
        Width of every layer (inputs too).
    activation : str
        One of :data:`ACTIVATIONS`.
    initializer : str
        One of :data:`INITIALIZERS`; biases start at zero.
    std : float, default 0.01
        Standard deviation of the ``"normal"`` initializer (ignored by the others).
    rng : None, int or numpy.random.Generator
        Randomness of the weights.

    Returns
    -------
    Sequential
    """
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {list(ACTIVATIONS)}, "
                         f"got {activation!r}.")
    fn = _initializer(initializer, std)
    rng = check_rng(rng)
    layers = []
    for _ in range(depth):
        layers += [Dense(width, width, init=fn, rng=rng),
                   Activation(get_activation(activation))]
    return Sequential(layers)


def layer_statistics(depth=10, width=64, activation="relu", initializer="he_normal", *,
                     std=0.01, n_samples=256, rng=0):
    r"""Per-layer activation standard deviations and weight-gradient norms of a deep
    network on a seeded batch.

    Parameters
    ----------
    depth, width, activation, initializer, std
        As in :func:`deep_network`.
    n_samples : int, default 256
        Batch size.
    rng : None, int or numpy.random.Generator, default 0
        One generator draws, in this order, the weights, the batch
        :math:`X \sim \mathcal N(0, 1)` and the targets :math:`Y \sim \mathcal N(0, 1)`,
        both of shape ``(n_samples, width)``.

    Returns
    -------
    dict
        ``"activation_std"`` : ndarray (depth,), the standard deviation of
        :math:`a^{(l)}` over all entries;
        ``"grad_norm"`` : ndarray (depth,),
        :math:`\lVert \partial L/\partial W^{(l)} \rVert_F` for
        :math:`L = \mathrm{MSE}(a^{(\text{depth})}, Y)`;
        ``"input_std"`` : float, the standard deviation of ``X``.

    Examples
    --------
    >>> stats = layer_statistics(depth=3, width=8, activation="tanh",
    ...                          initializer="xavier_normal", rng=0)
    >>> stats["activation_std"].shape, stats["grad_norm"].shape
    ((3,), (3,))
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    rng = check_rng(rng)
    net = deep_network(depth, width, activation, initializer, std=std, rng=rng)
    X = rng.standard_normal((n_samples, net[0].n_in))
    Y = rng.standard_normal((n_samples, net[0].n_in))
    loss = MSE()
    stds = []
    a = X
    for layer in net.layers:
        a = layer.forward(a)
        if isinstance(layer, Activation):
            stds.append(a.std())
    grad = loss.gradient(a, Y)
    for layer in reversed(net.layers):
        grad = layer.backward(grad)
    grads = [np.linalg.norm(layer.grads["W"])
             for layer in net.layers if isinstance(layer, Dense)]
    return {"activation_std": np.array(stds), "grad_norm": np.array(grads),
            "input_std": float(X.std())}


class InitializationExplorer(LayeredExplorer):
    """Depth, width, activation and initializer → per-layer activation std and
    gradient norm (bars, log scale).

    Parameters
    ----------
    **params
        Initial values of the parameters of ``update``: ``depth`` (int, 1 to
        :data:`MAX_DEPTH`), ``width`` (int), ``activation`` (one of
        :data:`ACTIVATIONS`), ``initializer`` (one of :data:`INITIALIZERS`) and ``std``
        (the standard deviation of the ``"normal"`` initializer).

    Examples
    --------
    >>> ex = InitializationExplorer()
    >>> r = ex.update(depth=10, width=64, activation="sigmoid",
    ...               initializer="xavier_normal", std=0.01)
    >>> bool(r["grad_norm"][0] < 1e-3 * r["grad_norm"][-1])
    True
    """

    defaults = {"depth": 10, "width": 64, "activation": "relu",
                "initializer": "he_normal", "std": 0.01}
    #: The bars are drawn between these values (log axes); smaller values sit on
    #: the floor.
    STD_LIMITS = (1e-8, 1e3)
    GRAD_LIMITS = (1e-12, 1e4)

    def update(self, depth, width, activation, initializer, std):
        """Return :func:`layer_statistics` for these parameters
        (seed 0, 256 samples)."""
        depth = check_int(depth, "depth", minimum=1)
        if depth > MAX_DEPTH:
            raise ValueError(f"`depth` must be at most {MAX_DEPTH}, got {depth}.")
        self.result = layer_statistics(depth, width, activation, initializer, std=std,
                                       rng=0)
        return self.result

    def _init_figure(self, fig):
        ax_a, ax_g = fig.subplots(1, 2)
        x = np.arange(1, MAX_DEPTH + 1)
        self._x = x
        self._bars = []
        for ax, (low, high), color, label in [
            (ax_a, self.STD_LIMITS, "#0072B2", "std of activations $a^{(l)}$"),
            (ax_g, self.GRAD_LIMITS, "#D55E00", r"$\|\partial L/\partial W^{(l)}\|_F$"),
        ]:
            # One LineCollection of thick vertical segments per panel: far cheaper to
            # redraw than 30 bar patches.
            bars = ax.vlines(x, low, low, colors=color, linewidth=7)
            ax.set(yscale="log", ylim=(low, high), xlim=(0.3, MAX_DEPTH + 0.7),
                   xlabel="layer $l$", ylabel=label)
            self._bars.append((bars, low, high))
        self._title = fig.suptitle("")
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [bars for bars, _, _ in self._bars] + [self._title]

    def _draw(self, result):
        for (bars, low, high), values in zip(self._bars, (result["activation_std"],
                                                          result["grad_norm"])):
            tops = np.full(MAX_DEPTH, low)
            tops[:len(values)] = np.clip(np.where(np.isfinite(values), values, high),
                                         low, high)
            bars.set_segments([[(x, low), (x, top)] for x, top in zip(self._x, tops)])
        g = result["grad_norm"]
        ratio = g[0] / g[-1] if g[-1] > 0 else float("nan")
        p = self.params
        self._title.set_text(f"{p['activation']}, {p['initializer']}: "
                             f"first/last gradient norm = {ratio:.2g}")

    def _controls(self):
        import ipywidgets as w

        p = self.params
        return {
            "depth": w.IntSlider(value=p["depth"], min=1, max=MAX_DEPTH,
                                 description="depth"),
            "width": w.Dropdown(options=[16, 32, 64, 128, 256], value=p["width"],
                                description="width"),
            "activation": w.Dropdown(options=list(ACTIVATIONS), value=p["activation"],
                                     description="activation"),
            "initializer": w.Dropdown(options=list(INITIALIZERS),
                                      value=p["initializer"], description="init"),
            "std": w.FloatLogSlider(value=p["std"], base=10, min=-3, max=1, step=0.1,
                                    description="normal std"),
        }
