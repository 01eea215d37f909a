"""nnlearn: neural networks from scratch on numpy, the companion package of *Neural
Networks, Interactively*.

The numerical core (``activations``, ``losses``, ``layers``, ``network``,
``optim``, ``init``, ``gradcheck``, and the previews of Chapter 13, ``conv``
and ``recurrent``) imports only numpy; ``autograd`` is a scalar reverse-mode
engine in plain Python, for teaching backpropagation.  On it sit the
training loop (``training``: :func:`fit`), the data helpers (``datasets``,
``labels``), the classic models (``perceptron``, ``cluster``), ``metrics``
and ``persistence`` (:func:`save`, :func:`load`).

Shapes are batch-first: ``X`` is ``(n_samples, n_features)``, a Dense layer
computes ``Z = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``.  Everything
computes in float64 unless a model is built with ``dtype=np.float32``.

>>> import numpy as np, nnlearn
>>> net = nnlearn.MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", rng=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 1)
"""

from . import (activations, autograd, cluster, conv, datasets, gradcheck, init, labels,
               layers, losses, metrics, optim, persistence, recurrent, schedules,
               surfaces, training)
from .conv import Conv2D, Flatten, MaxPool2D
from .labels import from_one_hot, one_hot
from .layers import Activation, BatchNorm, Dense, Dropout, Residual
from .network import MLP, Sequential
from .perceptron import Perceptron
from .persistence import load, save
from .recurrent import SimpleRNN
from .training import EarlyStopping, History, evaluate, fit

__version__ = "0.1.0"

__all__ = ["activations", "autograd", "cluster", "conv", "recurrent", "datasets",
           "gradcheck", "init", "labels", "layers", "losses", "metrics", "optim",
           "persistence", "schedules", "surfaces", "training",
           "Activation", "BatchNorm", "Dense", "Dropout", "Residual",
           "Conv2D", "MaxPool2D", "Flatten",
           "SimpleRNN", "MLP", "Sequential", "Perceptron",
           "EarlyStopping", "History", "evaluate", "fit", "from_one_hot", "one_hot",
           "load", "save",
           "__version__"]
