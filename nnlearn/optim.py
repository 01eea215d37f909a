r"""Optimizers: rules that turn gradients into parameter updates.

Every optimizer has ``step(parameters)``, where ``parameters`` is a list of
``(param, grad)`` array pairs (``model.parameters()``, or any arrays you like:
the book runs them on 2-D loss surfaces).  ``step`` updates each ``param`` in
place from its ``grad``.  The optimizer remembers per-parameter state
(momentum buffers, running averages) by position in the list, so pass the
same list, in the same order, at every step.

The updates are written in place into per-parameter scratch arrays
(``np.multiply(a, b, out=u)``), so a step allocates no memory: on this
project's machines a temporary array of the size of a network's parameter
vector costs more than the arithmetic done on it.  Each line's comment gives
the equation it computes.

Notation: :math:`\theta` a parameter, :math:`g_t` its gradient at step
:math:`t = 1, 2, \dots`, :math:`\eta` the learning rate ``lr``.  Each rule is
written exactly as ``torch.optim`` implements it, and tests check that 100
steps agree with PyTorch to a relative error below :math:`10^{-12}`.
"""

import math

import numpy as np

from ._validation import check_interval, check_positive

__all__ = ["Optimizer", "SGD", "AdaGrad", "RMSprop", "Adam", "AdamW"]


class Optimizer:
    """Base class: checks the learning rate, keeps per-parameter state, defines
    ``step``."""

    def __init__(self, lr):
        self.lr = check_positive(lr, "lr")
        self.t = 0  # number of steps taken
        self.state = None  # one dict per parameter, created at the first step

    def step(self, parameters):
        """Update every ``param`` in place from its ``grad``.

        Parameters
        ----------
        parameters : list of (ndarray, ndarray)
            ``(param, grad)`` pairs with equal shapes; ``param`` must be a float
            array.

        Raises
        ------
        ValueError
            If a gradient holds NaN or inf; no parameter is changed then.
        """
        pairs = self._check_parameters(parameters)
        with np.errstate(over="ignore", invalid="ignore"):
            sums = [np.add.reduce(grad, axis=None) for _, grad in pairs]
        for i, total in enumerate(sums):
            # One reduction per pair (one for model.flat_parameters()): a finite sum
            # means finite entries; a non-finite one (NaN, inf, or an overflow of huge
            # finite entries) gets the exact check.
            if not math.isfinite(total) and not np.isfinite(pairs[i][1]).all():
                grad = pairs[i][1]
                n_bad = int(np.size(grad) - np.count_nonzero(np.isfinite(grad)))
                raise ValueError(
                    f"`parameters[{i}]` must have a finite gradient, got {n_bad} NaN "
                    f"or infinite value{'s' if n_bad != 1 else ''} in a grad of shape "
                    f"{np.shape(grad)}; no parameter was updated. Hint: the loss or "
                    "the backward pass overflowed: lower the learning rate, "
                    "standardize the data, or clip the gradients.")
        self._step(pairs)

    def _step(self, pairs):
        """Unchecked step on a list of ``(param, grad)`` pairs already checked by
        :meth:`step`."""
        self.t += 1
        for (param, grad), state in zip(pairs, self.state):
            self._update(param, grad, state)

    def reset(self):
        """Forget all state (momentum buffers, averages, step count)."""
        self.t = 0
        self.state = None

    def _check_parameters(self, parameters):
        if isinstance(parameters, np.ndarray) or not hasattr(parameters, "__iter__"):
            raise TypeError("`parameters` must be a list of (param, grad) array pairs, "
                            "e.g. model.parameters(), "
                            f"got {type(parameters).__name__}.")
        pairs = list(parameters)
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise TypeError(f"`parameters[{i}]` must be a (param, grad) pair, "
                                f"got {type(pair).__name__}. `parameters` is a list of "
                                "(param, grad) array pairs, e.g. model.parameters().")
            param, grad = pair
            if (not isinstance(param, np.ndarray)
                    or not np.issubdtype(param.dtype, np.floating)):
                raise TypeError(f"`parameters[{i}]` must hold a float ndarray to "
                                f"update in place, got {type(param).__name__} of dtype "
                                f"{getattr(param, 'dtype', None)}.")
            if np.shape(grad) != param.shape:
                raise ValueError(f"`parameters[{i}]`: grad shape {np.shape(grad)} must "
                                 f"equal param shape {param.shape}.")
        if self.state is None:
            self.state = [{} for _ in pairs]
        elif len(self.state) != len(pairs):
            raise ValueError(f"`parameters` changed: this optimizer was used with "
                             f"{len(self.state)} parameters, now got {len(pairs)}. "
                             "Create a new optimizer (or call reset()).")
        return pairs

    def _update(self, param, grad, state):
        raise NotImplementedError

    @staticmethod
    def _buffer(state, name, like):
        """A per-parameter array kept in ``state`` (zeros the first time), reused at
        every step."""
        buf = state.get(name)
        if buf is None:
            buf = state[name] = np.zeros_like(like)
        return buf

    def _with_weight_decay(self, param, grad, state, weight_decay):
        """:math:`g + \\lambda\\theta`, written into a scratch array (or ``grad`` itself
        if :math:`\\lambda = 0`)."""
        if not weight_decay:
            return grad
        g = self._buffer(state, "decayed_grad", param)
        np.multiply(param, weight_decay, out=g)
        g += grad
        return g

    def _repr_args(self):
        return f"lr={self.lr}"

    def __repr__(self):
        return f"{type(self).__name__}({self._repr_args()})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum (Polyak 1964), Nesterov
    momentum and L2 weight decay.

    .. math::
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1} \quad\text{(weight decay)}\\
        b_t &= \begin{cases} g_t & t = 1\\ \mu\, b_{t-1} + g_t & t > 1\end{cases}\\
        d_t &= \begin{cases} g_t + \mu\, b_t & \text{Nesterov}\\
                            b_t & \text{otherwise}\end{cases}\\
        \theta_t &= \theta_{t-1} - \eta\, d_t

    With ``momentum=0`` this is plain :math:`\theta \leftarrow \theta - \eta\,g`.
    The momentum buffer starts at the first gradient, as in ``torch.optim.SGD``
    (dampening 0).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    nesterov : bool, default False
        Use Nesterov's look-ahead form (Nesterov 1983; requires ``momentum > 0``).
    weight_decay : float, default 0
        L2 coefficient :math:`\lambda \ge 0`, added to the gradient.
    """

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(lr)
        self.momentum = check_interval(momentum, "momentum", 0.0, 1.0)
        self.nesterov = bool(nesterov)
        self.weight_decay = check_positive(weight_decay, "weight_decay",
                                           allow_zero=True)
        if self.nesterov and self.momentum == 0:
            raise ValueError("`nesterov=True` requires `momentum` > 0, "
                             "got momentum=0.0.")

    def _update(self, param, grad, state):
        u = self._buffer(state, "scratch", param)
        # g = grad + lambda theta
        g = self._with_weight_decay(param, grad, state, self.weight_decay)
        d = g
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                # b_1 = g_1
                buf = state["momentum_buffer"] = np.array(g, copy=True)
            else:
                buf *= self.momentum                    # b = mu b + g
                buf += g
            if self.nesterov:
                np.multiply(buf, self.momentum, out=u)  # d = g + mu b
                u += g
                d = u
            else:
                d = buf                                 # d = b
        np.multiply(d, self.lr, out=u)                  # theta -= lr d
        param -= u

    def _repr_args(self):
        args = [f"lr={self.lr}"]
        if self.momentum:
            args.append(f"momentum={self.momentum}")
        if self.nesterov:
            args.append("nesterov=True")
        if self.weight_decay:
            args.append(f"weight_decay={self.weight_decay}")
        return ", ".join(args)


class AdaGrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan & Singer 2011): a per-coordinate step shrinking with the
    gradients seen so far.

    .. math::
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = 0\\
        \theta_t &= \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    Equals ``torch.optim.Adagrad`` (no learning-rate decay, initial accumulator 0).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    eps : float, default 1e-10
        :math:`\epsilon`, added to the denominator for stability.
    """

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def _update(self, param, grad, state):
        s, u = self._buffer(state, "sum", param), self._buffer(state, "scratch", param)
        np.multiply(grad, grad, out=u)        # s = s + g^2
        s += u
        np.sqrt(s, out=u)                     # u = g / (sqrt(s) + eps)
        u += self.eps
        np.divide(grad, u, out=u)
        u *= self.lr                          # theta -= lr u
        param -= u

    def _repr_args(self):
        return f"lr={self.lr}, eps={self.eps}"


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture notes, 2012): divide by a running root-mean-square of
    the gradients.

    .. math::
        v_t &= \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2, \qquad v_0 = 0\\
        u_t &= \frac{g_t}{\sqrt{v_t} + \epsilon}\\
        b_t &= \mu\, b_{t-1} + u_t, \qquad b_0 = 0 \quad\text{(if } \mu > 0\text{)}\\
        \theta_t &= \theta_{t-1} - \eta\, b_t
                    \quad(\text{or } \theta_{t-1} - \eta\, u_t \text{ if } \mu = 0)

    Equals ``torch.optim.RMSprop`` (``centered=False``).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)`.
    eps : float, default 1e-8
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    """

    def __init__(self, lr, alpha=0.99, eps=1e-8, momentum=0.0):
        super().__init__(lr)
        self.alpha = check_interval(alpha, "alpha", 0.0, 1.0)
        self.eps = check_positive(eps, "eps", allow_zero=True)
        self.momentum = check_interval(momentum, "momentum", 0.0, 1.0)

    def _update(self, param, grad, state):
        v = self._buffer(state, "square_avg", param)
        u = self._buffer(state, "scratch", param)
        v *= self.alpha                       # v = alpha v + (1 - alpha) g^2
        np.multiply(grad, grad, out=u)
        u *= 1 - self.alpha
        v += u
        np.sqrt(v, out=u)                     # u = g / (sqrt(v) + eps)
        u += self.eps
        np.divide(grad, u, out=u)
        if self.momentum:
            # b = mu b + u
            buf = self._buffer(state, "momentum_buffer", param)
            buf *= self.momentum
            buf += u
            np.multiply(buf, self.lr, out=u)  # theta -= lr b
        else:
            u *= self.lr                      # theta -= lr u
        param -= u

    def _repr_args(self):
        args = f"lr={self.lr}, alpha={self.alpha}, eps={self.eps}"
        return args + (f", momentum={self.momentum}" if self.momentum else "")


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015): momentum on the gradient and on its square, with bias
    correction.

    .. math::
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}
               \quad\text{(L2 weight decay, not AdamW)}\\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad m_0 = 0\\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \qquad v_0 = 0\\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\;
                    \frac{m_t}{\sqrt{v_t}\,/\sqrt{1 - \beta_2^t} + \epsilon}

    The last line is the paper's :math:`\hat m_t / (\sqrt{\hat v_t} + \epsilon)`
    with :math:`\hat m_t = m_t/(1-\beta_1^t)` and :math:`\hat v_t = v_t/(1-\beta_2^t)`,
    arranged as ``torch.optim.Adam`` computes it.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0` (the paper's default is 0.001).
    betas : (float, float), default (0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
    weight_decay : float, default 0
        L2 coefficient :math:`\lambda \ge 0`, added to the gradient.
    """

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"`betas` must be a pair (beta1, beta2), "
                            f"got {betas!r}.") from None
        self.betas = (check_interval(beta1, "betas[0]", 0.0, 1.0),
                      check_interval(beta2, "betas[1]", 0.0, 1.0))
        self.eps = check_positive(eps, "eps", allow_zero=True)
        self.weight_decay = check_positive(weight_decay, "weight_decay",
                                           allow_zero=True)

    def _update(self, param, grad, state):
        beta1, beta2 = self.betas
        m, v = self._buffer(state, "m", param), self._buffer(state, "v", param)
        u = self._buffer(state, "scratch", param)
        # g = grad + lambda theta (AdamW: grad, after theta *= 1 - lr lambda)
        g = self._decay(param, grad, state)
        np.subtract(g, m, out=u)              # m = beta1 m + (1 - beta1) g,
        u *= 1 - beta1                        #   as torch: m + (1 - beta1)(g - m)
        m += u
        v *= beta2                            # v = beta2 v + (1 - beta2) g^2
        np.multiply(g, g, out=u)
        u *= 1 - beta2
        v += u
        np.sqrt(v, out=u)                     # u = sqrt(v) / sqrt(1 - beta2^t) + eps
        u /= (1 - beta2 ** self.t) ** 0.5
        u += self.eps
        np.divide(m, u, out=u)                # theta -= lr / (1 - beta1^t) * m / u
        u *= self.lr / (1 - beta1 ** self.t)
        param -= u

    def _decay(self, param, grad, state):
        """The gradient Adam uses: :math:`g + \\lambda\\theta` (AdamW overrides)."""
        return self._with_weight_decay(param, grad, state, self.weight_decay)

    def _repr_args(self):
        args = f"lr={self.lr}, betas={self.betas}, eps={self.eps}"
        if self.weight_decay:
            args += f", weight_decay={self.weight_decay}"
        return args


# AdamW lives in its own module (this one would grow past 400 lines); it subclasses
# Adam, so it is imported once Adam exists.
from ._adamw import AdamW  # noqa: E402
