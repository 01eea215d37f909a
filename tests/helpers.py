"""Small helpers shared by the tests."""

import numpy as np

from nnlearn.gradcheck import numerical_gradient
from nnlearn.gradcheck import relative_error as max_rel_error


def numeric_input_gradient(forward, X, grad_output):
    """Finite-difference dL/dX for the scalar L = sum(forward(X) * grad_output)."""
    X = np.array(X, dtype=np.float64)
    return numerical_gradient(lambda x: float(np.sum(forward(x) * grad_output)), X)
