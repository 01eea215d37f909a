"""The numpy limit: a minimal hand-written training loop, no classes, no checks.

It does what ``nnlearn.fit`` must do and nothing more: shuffle, forward, the
loss of every batch (averaged per epoch), the combined output gradient p - y,
backward, and an SGD or Adam update per parameter array.
"""

import numpy as np


def train(Ws, bs, X, Y, *, hidden, output, epochs, batch_size, optimizer, lr, rng,
          betas=(0.9, 0.999), eps=1e-8):
    """Train weights ``Ws``/biases ``bs`` in place; return the per-epoch loss."""
    act = np.tanh if hidden == "tanh" else (lambda z: np.maximum(z, 0))
    params = [p for pair in zip(Ws, bs) for p in pair]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    n, L, t, losses = len(X), len(Ws), 0, []
    for _ in range(epochs):
        if batch_size < n:
            order = rng.permutation(n)
            Xs, Ys = X[order], Y[order]
        else:
            Xs, Ys = X, Y
        total = 0.0
        for s in range(0, n, batch_size):
            A = [Xs[s:s + batch_size]]
            y = Ys[s:s + batch_size]
            for i in range(L):
                Z = A[-1] @ Ws[i] + bs[i]
                if i < L - 1:
                    A.append(act(Z))
                elif output == "sigmoid":
                    P = 1.0 / (1.0 + np.exp(-Z))
                else:
                    E = np.exp(Z - Z.max(axis=1, keepdims=True))
                    P = E / E.sum(axis=1, keepdims=True)
            k = len(y)
            if output == "sigmoid":
                Pc = np.clip(P, 1e-15, 1 - 1e-15)
                total += -np.mean(y * np.log(Pc) + (1 - y) * np.log(1 - Pc)) * k
                D = (P - y) / P.size
            else:
                total += -np.sum(y * np.log(np.maximum(P, 1e-300))) / k * k
                D = (P - y) / k
            grads = [None] * (2 * L)
            for i in range(L - 1, -1, -1):
                grads[2 * i] = A[i].T @ D
                grads[2 * i + 1] = D.sum(axis=0)
                if i > 0:
                    D = D @ Ws[i].T
                    D = D * (1 - A[i] * A[i]) if hidden == "tanh" else D * (A[i] > 0)
            t += 1
            for j, (p, g) in enumerate(zip(params, grads)):
                if optimizer == "sgd":
                    p -= lr * g
                else:
                    m[j] = betas[0] * m[j] + (1 - betas[0]) * g
                    v[j] = betas[1] * v[j] + (1 - betas[1]) * g * g
                    p -= (lr / (1 - betas[0] ** t)) * m[j] / (np.sqrt(v[j] / (1 - betas[1] ** t)) + eps)
        losses.append(total / n)
    return losses
