"""Shared test settings: deterministic hypothesis runs and a seeded generator fixture."""

import numpy as np
import pytest
from hypothesis import settings

# Same examples on every run (and in CI): a failure can always be reproduced.
settings.register_profile("nnlearn", derandomize=True, max_examples=100, deadline=None)
settings.load_profile("nnlearn")


@pytest.fixture
def rng():
    """A generator with a fixed seed, so every test sees the same numbers."""
    return np.random.default_rng(12345)
