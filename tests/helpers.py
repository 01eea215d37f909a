"""Small helpers shared by the tests."""

import os

import numpy as np
import pytest

from nnlearn.gradcheck import numerical_gradient
from nnlearn.gradcheck import relative_error as max_rel_error


def numeric_input_gradient(forward, X, grad_output):
    """Finite-difference dL/dX for the scalar L = sum(forward(X) * grad_output)."""
    X = np.array(X, dtype=np.float64)
    return numerical_gradient(lambda x: float(np.sum(forward(x) * grad_output)), X)


def require_torch():
    """PyTorch set to float64, or a skip (an error where NNLEARN_REQUIRE_TORCH is set, as in
    `make test` and CI)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the machine
        if os.environ.get("NNLEARN_REQUIRE_TORCH"):
            raise
        pytest.skip("PyTorch is not installed (pip install torch==2.13.0)")
    torch.set_default_dtype(torch.float64)
    return torch

