"""nnlearn: neural networks from scratch on numpy, the companion package of *Neural Networks, Interactively*.

The numerical core (this package's modules ``activations``, ``losses``,
``layers``, ``network``, ``optim``, ``init`` and ``gradcheck``) imports only
numpy.  Shapes are batch-first: ``X`` is ``(n_samples, n_features)``, a Dense
layer computes ``Z = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``.
Everything computes in float64 unless asked for float32.

>>> import numpy as np, nnlearn
>>> net = nnlearn.MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", rng=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 1)
"""

from . import activations, gradcheck, init, layers, losses, optim
from .layers import Activation, Dense, Dropout
from .network import MLP, Sequential

__version__ = "0.1.0"

__all__ = ["activations", "gradcheck", "init", "layers", "losses", "optim",
           "Activation", "Dense", "Dropout", "MLP", "Sequential", "__version__"]
