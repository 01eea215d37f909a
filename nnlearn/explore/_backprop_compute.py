r"""The computation of the backpropagation explorer: the 2 → 2 → 1 network's forward
pass, backward pass and one gradient step, with nnlearn's layers.

Part of :mod:`nnlearn.explore.backprop`, which re-exports :func:`backprop_221` and
the constants (the helpers under private names); numpy and nnlearn only, no
plotting, no widgets.

* :func:`backprop_221` checks its arrays and runs the network on them;
* ``run_backprop`` does the work on a network ``build_network`` made (the explorer
  keeps one network per output activation and calls it directly);
* :data:`STAGES` are the explorer's stages, and ``REVEALS`` the result keys each
  stage reveals;
* :data:`WORKED_EXAMPLE` is the worked example of Chapter 6, and
  :data:`OUTPUT_CHOICES` the output activations offered.
"""

import numpy as np

from .._validation import check_array, check_choice, check_positive, check_real
from ..layers import Activation, Dense
from ..losses import MSE
from ..network import Sequential

__all__ = ["backprop_221", "run_backprop", "build_network", "check_output",
           "OUTPUT_CHOICES", "WORKED_EXAMPLE", "STAGES", "REVEALS"]

#: The output activations the explorer offers.
OUTPUT_CHOICES = ("linear", "sigmoid")

#: Inputs, target, weights, biases and learning rate of the worked example of
#: Chapter 6, batch-first (``W1[i-1, j-1]`` is the notes' :math:`w^1_{ij}` and
#: ``W2[j-1, 0]`` is :math:`w^2_{j1}`).
WORKED_EXAMPLE = {
    "x": np.array([0.5, 1.0]),
    "y": 1.0,
    "W1": np.array([[0.4, 0.6],
                    [-0.2, 0.5]]),
    "b1": np.array([0.0, 0.2]),
    "W2": np.array([[1.0],
                    [-0.5]]),
    "b2": np.array([0.25]),
    "lr": 0.5,
}

#: The stages of the explorer, as (short name, what is computed), in order.
STAGES = (
    ("inputs", "the input x and the target y; the weights are set"),
    ("forward: hidden layer",
     "pre-activations O11, O12 and activations a11 = σ(O11), a12 = σ(O12)"),
    ("forward: output and loss",
     "O21, the prediction ŷ and the loss L = (ŷ − y)²"),
    ("backward: loss", "∂L/∂ŷ = 2(ŷ − y) and δ21 = ∂L/∂O21"),
    ("backward: output weights", "∂L/∂w²j1 = δ21 a1j and ∂L/∂b21 = δ21"),
    ("backward: hidden deltas",
     "∂L/∂a1j = δ21 w²j1 and δ1j = ∂L/∂a1j σ'(O1j)"),
    ("backward: hidden weights", "∂L/∂w¹ij = δ1j x1i and ∂L/∂b1j = δ1j"),
    ("backward: inputs", "∂L/∂x1i = Σj δ1j w¹ij: two paths add"),
    ("update", "one gradient-descent step w ← w − η ∂L/∂w"),
)

# The result keys each stage reveals (cumulative: stage s shows everything of
# stages 0..s).
REVEALS = (
    ("x", "y", "W1", "b1", "W2", "b2"),
    ("O1", "A1"),
    ("O21", "y_hat", "loss"),
    ("dL_dyhat", "delta2"),
    ("grad_W2", "grad_b2"),
    ("dL_dA1", "sigma_prime", "delta1"),
    ("grad_W1", "grad_b1"),
    ("dL_dx",),
    ("W1_new", "b1_new", "W2_new", "b2_new", "loss_new"),
)



def backprop_221(x, y, W1, b1, W2, b2, *, output="linear", lr=0.5):
    r"""Forward pass, backward pass and one gradient step of the 2 → 2 → 1 network,
    with nnlearn's layers.

    Parameters
    ----------
    x : array_like, shape (2,)
        The inputs :math:`(x_{11}, x_{12})`.
    y : float
        The target.
    W1 : array_like, shape (2, 2)
        Hidden weights, ``W1[i, j]`` from input ``i + 1`` to hidden unit ``j + 1``.
    b1 : array_like, shape (2,)
    W2 : array_like, shape (2, 1)
        Output weights, ``W2[j, 0]`` from hidden unit ``j + 1`` to the output.
    b2 : array_like, shape (1,)
    output : {"linear", "sigmoid"}, default "linear"
        The output activation :math:`f`; the hidden units are sigmoids.
    lr : float, default 0.5
        The learning rate :math:`\eta` of the update stage.

    Returns
    -------
    dict
        ``"x"``, ``"y"``, ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``, ``"output"``,
        ``"lr"``: the inputs;
        ``"O1"`` and ``"A1"`` (2,): hidden pre-activations and activations;
        ``"O21"``, ``"y_hat"``, ``"loss"`` (floats);
        ``"dL_dyhat"`` and ``"delta2"`` (floats): :math:`\partial L/\partial\hat y`
        and :math:`\delta_{21} = \partial L/\partial O_{21}`;
        ``"grad_W2"`` (2, 1), ``"grad_b2"`` (1,);
        ``"dL_dA1"``, ``"sigma_prime"`` and ``"delta1"`` (2,):
        :math:`\partial L/\partial a_{1j}`, :math:`\sigma'(O_{1j})` and
        :math:`\delta_{1j}`;
        ``"grad_W1"`` (2, 2), ``"grad_b1"`` (2,); ``"dL_dx"`` (2,);
        ``"W1_new"``, ``"b1_new"``, ``"W2_new"``, ``"b2_new"`` after one step
        :math:`w - \eta\,\partial L/\partial w`, and ``"loss_new"``, the loss there.

    Examples
    --------
    >>> ex = WORKED_EXAMPLE
    >>> r = backprop_221(ex["x"], ex["y"], ex["W1"], ex["b1"], ex["W2"], ex["b2"])
    >>> round(r["delta2"], 4), r["delta1"].round(4)
    (-1.2311, array([-0.3078,  0.121 ]))
    >>> r["loss_new"] < r["loss"]
    True
    """
    arrays = {}
    for name, value, shape in (("x", x, (2,)), ("W1", W1, (2, 2)), ("b1", b1, (2,)),
                               ("W2", W2, (2, 1)), ("b2", b2, (1,))):
        arrays[name] = check_array(value, name, dtype=np.float64)
        if arrays[name].shape != shape:
            hint = (" Did you mean its transpose?" if arrays[name].T.shape == shape
                    else "")
            raise ValueError(f"`{name}` must have shape {shape}, "
                             f"got {arrays[name].shape}.{hint}")
    y = check_real(y, "y")
    lr = check_positive(lr, "lr")
    output = check_output(output)
    return run_backprop(build_network(output), arrays["x"], y, arrays["W1"],
                        arrays["b1"], arrays["W2"], arrays["b2"], output, lr)


def check_output(output):
    """``output`` if it is one of :data:`OUTPUT_CHOICES`, else a clear error."""
    return check_choice(output, "output", OUTPUT_CHOICES, "activation",
                        "output activation")


def build_network(output):
    """The 2 → 2 → 1 network (sigmoid hidden units, ``output`` activation), its
    weights zero until :func:`run_backprop` sets them."""
    return Sequential([Dense(2, 2, init="zeros"), Activation("sigmoid"),
                       Dense(2, 1, init="zeros"), Activation(output)])


def run_backprop(net, x, y, W1, b1, W2, b2, output, lr):
    """What :func:`backprop_221` returns, computed on ``net`` (from
    :func:`build_network`) with unchecked arguments; leaves ``net`` at the updated
    weights."""
    x = np.asarray(x, dtype=np.float64).reshape(1, 2)
    target = np.array([[float(y)]])
    dense1, hidden, dense2, out = net.layers
    dense1.params["W"], dense1.params["b"] = W1, b1
    dense2.params["W"], dense2.params["b"] = W2, b2
    loss = MSE()
    O1 = dense1.forward(x)
    A1 = hidden.forward(O1)
    O21 = dense2.forward(A1)
    y_hat = out.forward(O21)
    L = loss(y_hat, target)
    dL_dyhat = loss.gradient(y_hat, target)
    delta2 = out.backward(dL_dyhat)
    dL_dA1 = dense2.backward(delta2)
    delta1 = hidden.backward(dL_dA1)
    dL_dx = dense1.backward(delta1)
    result = {
        "x": x[0].copy(), "y": float(y),
        "W1": dense1.params["W"].copy(), "b1": dense1.params["b"].copy(),
        "W2": dense2.params["W"].copy(), "b2": dense2.params["b"].copy(),
        "output": output, "lr": float(lr),
        "O1": O1[0], "A1": A1[0], "O21": float(O21[0, 0]), "y_hat": float(y_hat[0, 0]),
        "loss": L, "dL_dyhat": float(dL_dyhat[0, 0]), "delta2": float(delta2[0, 0]),
        "grad_W2": dense2.grads["W"].copy(), "grad_b2": dense2.grads["b"].copy(),
        "dL_dA1": dL_dA1[0], "sigma_prime": hidden.activation.derivative(O1[0], A1[0]),
        "delta1": delta1[0],
        "grad_W1": dense1.grads["W"].copy(), "grad_b1": dense1.grads["b"].copy(),
        "dL_dx": dL_dx[0],
    }
    for key, layer in (("1", dense1), ("2", dense2)):
        result[f"W{key}_new"] = layer.params["W"] - lr * layer.grads["W"]
        result[f"b{key}_new"] = layer.params["b"] - lr * layer.grads["b"]
    dense1.params["W"], dense1.params["b"] = result["W1_new"], result["b1_new"]
    dense2.params["W"], dense2.params["b"] = result["W2_new"], result["b2_new"]
    result["loss_new"] = loss(net.forward(x), target)
    return result
