"""How fast the labs' explorers answer a control; how many epochs per second the playground shows.

    python benchmarks/bench_explorers.py            # prints the tables (about two minutes)
    python benchmarks/bench_explorers.py --write    # and updates the tables in benchmarks/README.md
    python benchmarks/bench_explorers.py --quick    # a smoke run (used by the tests)

For every explorer, one control is moved through a cycle of values, the way a learner drags a
slider: each move is ``redraw(**{name: value})`` — the explorer's ``update`` plus rendering the
figure to the PNG that the widget shows — exactly what the widget's ``observe`` callback runs.
Every explorer is moved ``--moves`` times (60 by default), after one pass through the values that
warms the caches, and the table gives the median and the 90th percentile of the moves: a learner
dragging a slider feels the slow moves, not only the typical one.  Target: median and 90th
percentile ≤ 50 ms.

The peer, measured in the same run and interleaved move by move, is the naive way to write an
explorer: the same ``update``, but a new figure built and laid out for every move (``Figure`` with
constrained layout, the artists created, drawn, saved).  The ratio of the medians shows what
updating artists in place (and, for the explorers built on ``LayeredExplorer``, redrawing only what
changed) buys.  On a machine shared with other work the times swing with the load; the ratio,
measured move by move against the peer, swings much less.

The playground (chapter 12) is measured while training: every frame trains ``epochs_per_frame``
epochs and renders the figure and the network view (what a tick of its Play button does).
Targets: a frame ≤ 50 ms (median) and ≥ 20 epochs shown per second.  The Play widget ticks every 100 ms, which caps what the widget shows at 10 frames per
second.
"""

import argparse
import io
import os
import platform
import re
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import nnlearn.explore as explore  # noqa: E402

README = Path(__file__).with_name("README.md")

# Explorer → (the control a learner moves, the values it goes through[, settings it starts from]).
MOVES = {
    "NetworkExplorer": ("W1_11", np.linspace(-2, 2, 9)),
    "PerceptronExplorer": ("w1", np.linspace(-1, 1, 9)),
    "ActivationExplorer": ("std", np.linspace(0.5, 5, 10)),
    "LossExplorer": ("outlier", np.linspace(2, 20, 10)),
    "BackpropExplorer": ("W1_11", np.linspace(-1, 1, 9)),
    "OptimizerRace": ("lr", [0.0005, 0.001, 0.0015, 0.002]),
    "ApproximationExplorer": ("n_hidden", [1, 2, 4, 8, 16, 32]),
    "ScalingExplorer": ("lr_factor", np.linspace(0.2, 1.9, 9)),
    "InitializationExplorer": ("std", [0.001, 0.01, 0.05, 0.1, 0.5], {"initializer": "normal"}),
    "RegularizationExplorer": ("l2", [0.0, 0.001, 0.003, 0.01, 0.03]),
    "KMeansExplorer": ("step", [0, 1, 2, 3, 4, 5]),
    "Playground": ("lr", [0.01, 0.03, 0.1, 0.3]),
    "ConvolutionExplorer": ("w11", np.linspace(-1, 1, 9)),
}


def _as_param(value):
    return int(value) if isinstance(value, (int, np.integer)) else float(value)


def _naive_redraw(explorer, name, value):
    """The peer: same update, but a new figure laid out and drawn for every move."""
    explorer.params[name] = value
    result = explorer.update(**explorer.params)
    fig = Figure(figsize=explorer.figsize, dpi=explorer.dpi, layout="constrained")
    explorer._init_figure(fig)
    explorer._draw(result)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=explorer.dpi)
    return buffer.getvalue()


def _ms(times, q):
    return 1e3 * float(np.percentile(times, q))


def bench_explorer(name, n_moves):
    cls = getattr(explore, name)
    param, values, *start = MOVES[name]
    settings = start[0] if start else {}
    values = [_as_param(v) for v in values]
    live, peer = cls(**settings), cls(**settings)
    live.render()  # the first draw lays the figure out once, as when the widget appears
    # Warm caches (trained networks, runs) in both, so both time the same work: every value that
    # the moves visit (all of them in a full run; the first few in a --quick smoke run).
    for v in values[:n_moves]:
        live.redraw(**{param: v})
        _naive_redraw(peer, param, v)
    t_live, t_peer = [], []
    for i in range(n_moves):
        value = values[i % len(values)]
        start = time.perf_counter()
        live.redraw(**{param: value})
        t_live.append(time.perf_counter() - start)
        start = time.perf_counter()
        _naive_redraw(peer, param, value)
        t_peer.append(time.perf_counter() - start)
    return {"explorer": name, "control": param,
            "live_ms": _ms(t_live, 50), "p90_ms": _ms(t_live, 90),
            "peer_ms": _ms(t_peer, 50), "peer_p90_ms": _ms(t_peer, 90)}


def bench_playground(n_frames, settings):
    """Frames of the widget's Play: train ``epochs_per_frame`` epochs, then draw the figure and
    the network view (as the widget does, its images kept in the widget)."""
    pg = explore.Playground(**settings)
    pg.widget()
    pg._advance(pg.epochs_per_frame)  # warm
    times = []
    for _ in range(n_frames):
        start = time.perf_counter()
        pg._advance(pg.epochs_per_frame)  # what each tick of Play does: train, then render
        times.append(time.perf_counter() - start)
    frames_per_s = n_frames / sum(times)
    shown = pg.epochs_per_frame * min(frames_per_s, 10.0)
    return {"frames_per_s": frames_per_s, "epochs_per_s": pg.epochs_per_frame * frames_per_s,
            "shown_per_s": shown, "epochs_per_frame": pg.epochs_per_frame,
            "frame_ms": _ms(times, 50), "frame_p90_ms": _ms(times, 90)}


PLAYGROUND_CASES = [
    ("default: circle, x1 x2 → 4-4 → 1 tanh, 400 points, batch 10, SGD", {}),
    ("xor, x1 x2 → 8-8 → 1 tanh, batch 10, SGD", {"dataset": "xor", "hidden": (8, 8)}),
    ("spiral, all 7 features → 8-8-8 → 1 ReLU, batch 10, Adam",
     {"dataset": "spiral", "features": ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2"),
      "hidden": (8, 8, 8), "activation": "relu", "optimizer": "adam", "lr": 0.01}),
    ("multigauss (regression), x1 x2 → 8-8 → 1 linear, MSE, batch 10, Adam",
     {"dataset": "multigauss", "loss": "mse", "hidden": (8, 8), "optimizer": "adam"}),
]


def tables(n_moves, n_frames):
    rows = [bench_explorer(name, n_moves) for name in MOVES]
    lines = ["| explorer | control moved | update + redraw, median (ms) | 90th percentile (ms) | "
             "new figure per move: median (ms) | 90th percentile (ms) | ratio of medians | "
             "target: both ≤ 50 ms |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        ok = "yes" if max(r["live_ms"], r["p90_ms"]) <= 50 else "**no**"
        lines.append(f"| {r['explorer']} | `{r['control']}` | {r['live_ms']:.1f} | "
                     f"{r['p90_ms']:.1f} | {r['peer_ms']:.1f} | {r['peer_p90_ms']:.1f} | "
                     f"{r['live_ms'] / r['peer_ms']:.2f}x | {ok} |")
    lines += ["", "| playground run (figure and network view) | frame: train + draw, median (ms) "
              "| 90th percentile (ms) | frames/s | epochs/s trained and drawn | "
              "epochs/s shown by Play (10 ticks/s) | target: frame ≤ 50 ms, ≥ 20 epochs/s |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for label, settings in PLAYGROUND_CASES:
        r = bench_playground(n_frames, settings)
        ok = "yes" if r["shown_per_s"] >= 20 and r["frame_ms"] <= 50 else "**no**"
        lines.append(f"| {label} ({r['epochs_per_frame']} epochs/frame) | "
                     f"{r['frame_ms']:.1f} | {r['frame_p90_ms']:.1f} | "
                     f"{r['frames_per_s']:.1f} | {r['epochs_per_s']:.0f} | "
                     f"{r['shown_per_s']:.0f} | {ok} |")
    import matplotlib as mpl

    lines += ["", f"{n_moves} moves per explorer, interleaved with the peer, after one warm-up "
              f"pass through the values they visit; playground: {n_frames} frames per run; 1 thread; "
              f"dpi 80 (the explorers' default); numpy {np.__version__}, matplotlib "
              f"{mpl.__version__}, Python {platform.python_version()}."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few moves only (smoke run)")
    parser.add_argument("--moves", type=int, default=60,
                        help="moves per explorer (default 60; the 90th percentile needs dozens)")
    parser.add_argument("--write", action="store_true",
                        help="update the tables in benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.moves < 1:
        parser.error(f"--moves must be a positive number of moves, got {args.moves}; the 90th "
                     "percentile needs dozens (the default is 60)")
    text = tables(n_moves=3 if args.quick else args.moves, n_frames=3 if args.quick else 40)
    print(text)
    if args.write:
        readme = README.read_text()
        # The block may be empty (start and end on consecutive lines) or hold a table.
        new, n = re.subn(r"(<!-- explorers:start -->\n).*?(<!-- explorers:end -->)",
                         lambda m: m.group(1) + text.rstrip("\n") + "\n" + m.group(2),
                         readme, flags=re.S)
        if n != 1:
            raise SystemExit("benchmarks/README.md has no explorers:start/end block")
        README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
