"""The benchmark script runs and reports every row (a smoke run; speed itself is not a unit test)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_training_benchmark_quick_run():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_training.py"), "--quick"],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    for row in ["moons 2-16-16-1 tanh, full batch, GD lr 0.1", "moons 2-16-16-1 tanh, full batch, Adam lr 0.01",
                "digits 64-128-64-10 ReLU, Adam 1e-3, batch 32, float32",
                "digits 64-128-64-10 ReLU, Adam 1e-3, batch 32, float64", "| SGD |", "| Adam |"]:
        assert row in out, row
    assert "nnlearn / numpy loop" in out and "nnlearn / scikit-learn" in out


def test_explorer_benchmark_quick_run():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_explorers.py"), "--quick"],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    import nnlearn.explore as explore

    explorers = [n for n in explore.__all__ if isinstance(getattr(explore, n), type)
                 and issubclass(getattr(explore, n), explore.Explorer) and n != "Explorer"]
    for name in explorers:  # every explorer of the package is benchmarked
        assert f"| {name} |" in out, name
    assert "playground run" in out and "epochs/s" in out
