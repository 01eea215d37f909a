r"""AdamW, re-exported by :mod:`nnlearn.optim` (use ``nnlearn.optim.AdamW``).

Kept in a module of its own so that ``optim.py`` stays short enough to read; it imports
only numpy and :class:`nnlearn.optim.Adam`.
"""

from .optim import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with *decoupled* weight decay.

    .. math::
        \theta_{t-1} &\leftarrow (1 - \eta\lambda)\,\theta_{t-1}
               \quad\text{(decay, before the Adam update)}\\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad m_0 = 0\\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \qquad v_0 = 0\\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\;
                    \frac{m_t}{\sqrt{v_t}\,/\sqrt{1 - \beta_2^t} + \epsilon}

    Adam's ``weight_decay`` adds :math:`\lambda\theta` to the gradient, which then goes
    through the division by :math:`\sqrt{\hat v_t}`: weights with large gradients are
    hardly decayed.  AdamW shrinks every weight by the same factor
    :math:`1 - \eta\lambda` at each step, whatever its gradient; the gradient itself is
    left alone.  Equals ``torch.optim.AdamW`` step for step (which scales the
    parameter by ``1 - lr * weight_decay``, as here).  With ``weight_decay=0`` it is
    :class:`~nnlearn.optim.Adam`.

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate :math:`\eta > 0`; the decay uses the current one (a schedule
        changes both).
    betas : (float, float), default (0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
    weight_decay : float, default 0.01
        Decoupled decay coefficient :math:`\lambda \ge 0`.
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def _decay(self, param, grad, state):
        if self.weight_decay:
            param *= 1 - self.lr * self.weight_decay  # theta = (1 - lr lambda) theta
        return grad

    def _repr_args(self):
        return (f"lr={self.lr}, betas={self.betas}, eps={self.eps}, "
                f"weight_decay={self.weight_decay}")
