"""Training speed of nnlearn against its peers, measured in one run and reported as ratios.

Peers: a minimal hand-written numpy loop (``minimal_numpy.py``, the numpy
limit), PyTorch on the CPU (a plain training loop) and scikit-learn's
``MLPClassifier`` (alpha=0, tol=0, the same number of epochs).  All start from
the same initial weights.  Rounds are interleaved (every framework once per
round) and the median over rounds is reported; everything runs on one thread.

    python benchmarks/bench_training.py            # full run, prints the table
    python benchmarks/bench_training.py --write    # ...and puts it into benchmarks/README.md
    python benchmarks/bench_training.py --quick    # a fast smoke run (used by the tests)
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported

import argparse  # noqa: E402
import pathlib  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits, make_moons  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import minimal_numpy  # noqa: E402

import nnlearn  # noqa: E402
from nnlearn import optim  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # the table then has no PyTorch column
    torch = None


# -- problems -------------------------------------------------------------------------------------

def moons_problem(optimizer, epochs):
    X, y = make_moons(1000, noise=0.2, random_state=0)
    lr = 0.1 if optimizer == "sgd" else 0.01
    return dict(name=f"moons 2-16-16-1 tanh, full batch, {'GD lr 0.1' if optimizer == 'sgd' else 'Adam lr 0.01'}",
                X=X, y=y, X_test=None, y_test=None, sizes=[2, 16, 16, 1], hidden="tanh", output="sigmoid",
                optimizer=optimizer, lr=lr, epochs=epochs, batch_size=len(X), dtype=np.float64)


def digits_problem(dtype, epochs):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return dict(name=f"digits 64-128-64-10 ReLU, Adam 1e-3, batch 32, {np.dtype(dtype).name}",
                X=scaler.transform(X_train), y=y_train, X_test=scaler.transform(X_test), y_test=y_test,
                sizes=[64, 128, 64, 10], hidden="relu", output="softmax", optimizer="adam", lr=1e-3,
                epochs=epochs, batch_size=32, dtype=dtype)


def initial_weights(p):
    net = nnlearn.MLP(p["sizes"], activation=p["hidden"], output_activation=p["output"], rng=0, dtype=p["dtype"])
    layers = [layer for layer in net.layers if isinstance(layer, nnlearn.Dense)]
    return [layer.params["W"].copy() for layer in layers], [layer.params["b"].copy() for layer in layers]


def targets(p):
    y = np.asarray(p["y"])
    return y.reshape(-1, 1).astype(p["dtype"]) if p["output"] == "sigmoid" else y


# -- one trainer per framework: each returns a function that trains from scratch and a predictor ---

def nnlearn_trainer(p):
    Ws, bs = initial_weights(p)
    X, y = p["X"].astype(p["dtype"]), targets(p)

    def run():
        net = nnlearn.MLP(p["sizes"], activation=p["hidden"], output_activation=p["output"], dtype=p["dtype"])
        for layer, W, b in zip([layer for layer in net.layers if isinstance(layer, nnlearn.Dense)], Ws, bs):
            layer.params["W"][...], layer.params["b"][...] = W, b
        opt = optim.SGD(p["lr"]) if p["optimizer"] == "sgd" else optim.Adam(p["lr"])
        nnlearn.fit(net, X, y, loss="bce" if p["output"] == "sigmoid" else "cce", optimizer=opt,
                    epochs=p["epochs"], batch_size=p["batch_size"], rng=0, progress=False)
        return lambda X_: net.predict(X_.astype(p["dtype"]))
    return run


def numpy_trainer(p):
    X = p["X"].astype(p["dtype"])
    y = targets(p)
    Y = y if p["output"] == "sigmoid" else np.eye(p["sizes"][-1], dtype=p["dtype"])[y]

    def run():
        Ws, bs = initial_weights(p)
        minimal_numpy.train(Ws, bs, X, Y, hidden=p["hidden"], output=p["output"], epochs=p["epochs"],
                            batch_size=p["batch_size"], optimizer=p["optimizer"], lr=p["lr"],
                            rng=np.random.default_rng(0))

        def predict(X_):
            A = X_.astype(p["dtype"])
            for i, (W, b) in enumerate(zip(Ws, bs)):
                A = A @ W + b
                if i < len(Ws) - 1:
                    A = np.tanh(A) if p["hidden"] == "tanh" else np.maximum(A, 0)
            return A
        return predict
    return run


def torch_trainer(p):
    tdtype = torch.float32 if p["dtype"] == np.float32 else torch.float64
    X = torch.tensor(p["X"], dtype=tdtype)
    y = torch.tensor(targets(p), dtype=tdtype) if p["output"] == "sigmoid" else torch.tensor(p["y"])

    def run():
        Ws, bs = initial_weights(p)
        layers = []
        for i, (W, b) in enumerate(zip(Ws, bs)):
            linear = torch.nn.Linear(*W.shape, dtype=tdtype)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(W.T))
                linear.bias.copy_(torch.tensor(b))
            layers.append(linear)
            if i < len(Ws) - 1:
                layers.append(torch.nn.Tanh() if p["hidden"] == "tanh" else torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        loss_fn = torch.nn.BCEWithLogitsLoss() if p["output"] == "sigmoid" else torch.nn.CrossEntropyLoss()
        opt = (torch.optim.SGD if p["optimizer"] == "sgd" else torch.optim.Adam)(model.parameters(), lr=p["lr"])
        gen = torch.Generator().manual_seed(0)
        n, bs_ = len(X), p["batch_size"]
        for _ in range(p["epochs"]):
            order = torch.randperm(n, generator=gen) if bs_ < n else None
            Xs, ys = (X[order], y[order]) if order is not None else (X, y)
            total = 0.0
            for s in range(0, n, bs_):
                opt.zero_grad()
                loss = loss_fn(model(Xs[s:s + bs_]), ys[s:s + bs_])
                loss.backward()
                opt.step()
                total += loss.item() * len(Xs[s:s + bs_])
        return lambda X_: model(torch.tensor(X_, dtype=tdtype)).detach().numpy()
    return run


def sklearn_trainer(p):
    X, y = p["X"].astype(p["dtype"]), np.asarray(p["y"])
    Ws, bs = initial_weights(p)

    def make():
        return MLPClassifier(hidden_layer_sizes=p["sizes"][1:-1], activation=p["hidden"], solver=p["optimizer"],
                             alpha=0.0, batch_size=p["batch_size"], learning_rate_init=p["lr"],
                             learning_rate="constant", momentum=0.0, nesterovs_momentum=False,
                             max_iter=p["epochs"], tol=0.0, n_iter_no_change=p["epochs"] + 1,
                             shuffle=True, random_state=0, warm_start=True)

    def run():
        clf = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.set_params(max_iter=1, batch_size=min(p["batch_size"], 50)).fit(X[:50], y[:50])  # not timed
        clf.set_params(batch_size=p["batch_size"])
        clf.coefs_ = [W.copy() for W in Ws]
        clf.intercepts_ = [b.copy() for b in bs]
        clf.set_params(max_iter=p["epochs"])
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        run.elapsed = time.perf_counter() - start  # only the training proper
        return lambda X_: clf.predict_proba(X_.astype(p["dtype"]))
    return run


TRAINERS = {"nnlearn": nnlearn_trainer, "numpy loop": numpy_trainer, "PyTorch": torch_trainer,
            "scikit-learn": sklearn_trainer}


def accuracy(p, scores):
    X, y = (p["X_test"], p["y_test"]) if p["X_test"] is not None else (p["X"], p["y"])
    s = scores(X)
    pred = (s[:, -1] >= (0.5 if s.shape[1] == 2 or np.all((s >= 0) & (s <= 1)) else 0.0)).astype(int) \
        if s.shape[1] <= 2 and p["output"] == "sigmoid" else s.argmax(axis=1)
    return float(np.mean(pred == y))


def time_training(problems, rounds):
    """For each problem: median seconds and accuracy per framework, rounds interleaved."""
    results = []
    for p in problems:
        names = [n for n in TRAINERS if n != "PyTorch" or torch is not None]
        trainers = {n: TRAINERS[n](p) for n in names}
        times = {n: [] for n in names}
        acc = {}
        for _ in range(rounds):
            for n in names:
                start = time.perf_counter()
                predict = trainers[n]()
                elapsed = time.perf_counter() - start
                times[n].append(getattr(trainers[n], "elapsed", elapsed))
                acc[n] = accuracy(p, predict)
        results.append((p["name"], {n: float(np.median(t)) for n, t in times.items()}, acc))
    return results


def time_steps(optimizer, repeats):
    """Median microseconds of one training step (forward, loss, backward, update) on a batch of 32."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 2)), (rng.random((32, 1)) > 0.5).astype(float)
    p = dict(sizes=[2, 16, 16, 1], hidden="tanh", output="sigmoid", dtype=np.float64)
    net = nnlearn.MLP(p["sizes"], activation="tanh", output_activation="sigmoid", rng=0)
    opt = optim.SGD(0.1) if optimizer == "sgd" else optim.Adam(0.01)
    Ws, bs = initial_weights(p)
    per_step = {"nnlearn": [], "numpy loop": []}
    epochs = 200
    for _ in range(repeats):
        start = time.perf_counter()
        nnlearn.fit(net, X, y, loss="bce", optimizer=opt, epochs=epochs, progress=False)
        per_step["nnlearn"].append((time.perf_counter() - start) / epochs)
        start = time.perf_counter()
        minimal_numpy.train(Ws, bs, X, y, hidden="tanh", output="sigmoid", epochs=epochs, batch_size=32,
                            optimizer=optimizer, lr=0.1, rng=rng)
        per_step["numpy loop"].append((time.perf_counter() - start) / epochs)
    if torch is not None:
        per_step["PyTorch"] = [time_torch_step(X, y, optimizer, epochs) for _ in range(repeats)]
    return {n: 1e6 * float(np.median(v)) for n, v in per_step.items()}


def time_torch_step(X, y, optimizer, steps):
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                                torch.nn.Linear(16, 1)).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1) if optimizer == "sgd" else torch.optim.Adam(model.parameters())
    Xt, yt = torch.tensor(X), torch.tensor(y)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()
        loss.item()
    return (time.perf_counter() - start) / steps


def table(results, steps):
    peers = [n for n in ("numpy loop", "PyTorch", "scikit-learn") if any(n in r[1] for r in results)]
    head = ("| problem | nnlearn (s) | " + " | ".join(f"nnlearn / {n}" for n in peers)
            + " | accuracy: nnlearn / " + " / ".join(peers) + " |")
    lines = [head, "|" + " --- |" * (3 + len(peers))]
    for name, t, acc in results:
        ratios = " | ".join(f"{t['nnlearn'] / t[n]:.2f}x" if n in t else "n/a" for n in peers)
        accs = " / ".join(f"{acc[n]:.3f}" for n in ["nnlearn"] + peers if n in acc)
        lines.append(f"| {name} | {t['nnlearn']:.3f} | {ratios} | {accs} |")
    lines += ["", "| one step, 2-16-16-1, batch 32 | nnlearn (µs) | numpy loop (µs) | PyTorch (µs) | target |",
              "| --- | --- | --- | --- | --- |"]
    for opt_name, target in (("SGD", 50), ("Adam", 80)):
        s = steps[opt_name]
        lines.append(f"| {opt_name} | {s['nnlearn']:.1f} | {s['numpy loop']:.1f} | "
                     f"{s.get('PyTorch', float('nan')):.1f} | ≤ {target} µs |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny epochs and one round (a smoke run)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    args = parser.parse_args(argv)
    rounds, scale = (1, 0.01) if args.quick else (args.rounds, 1.0)
    problems = [moons_problem("sgd", max(2, int(2000 * scale))), moons_problem("adam", max(2, int(2000 * scale))),
                digits_problem(np.float32, max(1, int(30 * scale))), digits_problem(np.float64, max(1, int(30 * scale)))]
    results = time_training(problems, rounds)
    steps = {"SGD": time_steps("sgd", 3 if args.quick else 11), "Adam": time_steps("adam", 3 if args.quick else 11)}
    text = table(results, steps)
    versions = (f"numpy {np.__version__}, scikit-learn {__import__('sklearn').__version__}"
                + (f", torch {torch.__version__}" if torch is not None else "") + f", Python {platform.python_version()}")
    print(text)
    print(f"\n{rounds} interleaved round(s), medians, 1 thread; {versions}")
    if args.write:
        readme = HERE / "README.md"
        body = readme.read_text()
        start, end = "<!-- results:start -->", "<!-- results:end -->"
        new = f"{start}\n{text}\n\n{rounds} interleaved rounds, medians, 1 thread; {versions}.\n{end}"
        body = body[:body.index(start)] + new + body[body.index(end) + len(end):]
        readme.write_text(body)
    return results, steps


if __name__ == "__main__":
    main()
