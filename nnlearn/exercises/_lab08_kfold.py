"""Lab 8, question 5: the index pairs of k-fold cross-validation, judged by the properties of
the folds (every index validated once, folds of sizes that differ by at most one, shuffled with
the generator given), not against one reference split.

Part of :mod:`nnlearn.exercises.lab08`, which re-exports ``q5``.
"""

import numpy as np

from ._feedback import _describe, _exception_text
from ._lab08_answers import (
    _kfold_drop_remainder,
    _kfold_fixed_seed,
    _kfold_global_generator,
    _kfold_independent_draws,
    _kfold_last_takes_rest,
    _kfold_next_fold_trains,
    _kfold_no_check,
    _kfold_train_everything,
    _kfold_unshuffled,
    kfold_indices,
)
from ._question import Incorrect, Question

__all__ = ["q5"]

# (n, k): k divides n or not, two folds, leave-one-out (k = n), many small folds
_KFOLD_CASES = [(10, 3), (12, 4), (23, 5), (7, 7), (9, 2), (100, 10), (31, 6)]
_KFOLD_RNG = np.random.default_rng(85)

_KFOLD_BLOCKS = (
    "Your folds are the blocks 0, 1, 2, … of the unshuffled indices, the same for every `rng`. If "
    "the "
    "examples are stored in some order (by class, by date, by source) each fold then holds one "
    "kind "
    "of example. Shuffle first: order = rng.permutation(n), then cut `order` into folds."
)
_KFOLD_FIXED = (
    "Your folds are the same whatever `rng` you are given: you shuffle with a generator of your "
    "own "
    "(a fixed seed?) or not at all. Draw the permutation from the generator passed in: "
    "rng.permutation(n)."
)
_KFOLD_GLOBAL = (
    "Called twice with generators seeded alike, your function gave different folds: it draws from "
    "numpy's global generator (np.random.permutation, np.random.shuffle), so nobody can reproduce "
    "your split. Use the generator passed in: rng.permutation(n)."
)


def _container(out, pairs):
    """What the learner returned, for a message: a list or tuple as it is, else its kind."""
    if isinstance(out, (list, tuple)):
        return _describe(out)
    kind = "an iterator" if hasattr(out, "__next__") else "an iterable"
    return f"a {type(out).__name__} ({kind}) giving {_describe(pairs)}"


def _kfold_call(answer, n, k, seed):
    """The learner's folds for (n, k): a list of (train, val) integer arrays, or Incorrect."""
    try:
        out = answer(n, k, np.random.default_rng(seed))
    except NotImplementedError:
        raise
    except Exception as exc:
        raise Incorrect(
            f"Your function raised {_exception_text(exc)} (for kfold_indices({n}, {k}, rng)); "
            "for 2 ≤ k ≤ n it must return k pairs (train_idx, val_idx)."
        ) from None
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return` statement?")
    if isinstance(out, (np.ndarray, dict, str)):
        raise Incorrect(
            f"kfold_indices({n}, {k}, rng) returned {_describe(out)}; return a list of k pairs "
            "(train_idx, val_idx), e.g. [(train_0, val_0), (train_1, val_1), …]."
        )
    try:
        pairs = list(out)
    except TypeError:
        raise Incorrect(
            f"kfold_indices({n}, {k}, rng) returned {_describe(out)}; return a list of k pairs "
            "(train_idx, val_idx)."
        ) from None
    if len(pairs) != k:
        raise Incorrect(
            f"kfold_indices({n}, {k}, rng) returned {_container(out, pairs)}: {len(pairs)} "
            f"item(s); k = {k} folds need {k} pairs (train_idx, val_idx), one per fold."
        )
    folds = []
    for number, pair in enumerate(pairs, start=1):
        if isinstance(pair, (np.ndarray, str)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise Incorrect(
                f"Item number {number} of what kfold_indices({n}, {k}, rng) returned "
                f"({_container(out, pairs)}) is {_describe(pair)}; each item must be a pair "
                "(train_idx, val_idx) of index arrays."
            )
        arrays = []
        for name, part in zip(("train_idx", "val_idx"), pair):
            a = np.asarray(part)
            if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
                raise Incorrect(
                    f"In pair number {number} for n = {n}, k = {k}, {name} is {_describe(part)} of "
                    f"dtype {a.dtype}; it must be a 1-D array of integer indices (np.array_split "
                    "of rng.permutation(n) gives those; float arrays cannot index X)."
                )
            if a.size and (a.min() < 0 or a.max() >= n):
                bad = a.max() if a.max() >= n else a.min()
                raise Incorrect(
                    f"In pair number {number} for n = {n}, {name} holds the index {bad}; "
                    f"indices run from 0 to n − 1 = {n - 1}."
                )
            arrays.append(a.astype(int))
        folds.append(tuple(arrays))
    return folds


def _kfold_overlap(folds, n, k):
    """Incorrect if an index is in two validation folds."""
    vals = [np.unique(v) for _, v in folds]
    counts = np.bincount(np.concatenate(vals), minlength=n)
    if np.any(counts > 1):
        j = int(np.flatnonzero(counts > 1)[0])
        where = [i for i, v in enumerate(vals, start=1) if j in v]
        raise Incorrect(
            f"Your folds overlap: for n = {n}, k = {k}, index {j} is in validation folds number "
            f"{where[0]} and {where[1]}. Draw the folds as disjoint pieces of one permutation "
            "(np.array_split(rng.permutation(n), k)), not each on its own."
        )


def _kfold_properties(folds, n, k):
    """Incorrect for the first property the folds break: cover, sizes, train = complement of val."""
    vals = [v for _, v in folds]
    counts = np.bincount(np.concatenate(vals), minlength=n)
    for i, (_, v) in enumerate(folds, start=1):
        if v.size == 0:
            raise Incorrect(
                f"For n = {n}, k = {k}, validation fold number {i} is empty; every fold needs "
                f"n // k or n // k + 1 = {n // k}{'' if n % k == 0 else f' or {n // k + 1}'} "
                "indices."
            )
        if np.unique(v).size != v.size:
            raise Incorrect(
                f"For n = {n}, k = {k}, validation fold number {i} holds an index twice; the folds "
                "must split the indices, each one exactly once."
            )
    _kfold_overlap(folds, n, k)
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0)
        if n % k and all(v.size == n // k for v in vals):
            rest = (
                f"index {missing[0]} is"
                if missing.size == 1
                else f"{missing.size} indices ({', '.join(map(str, missing[:5]))}) are"
            )
            raise Incorrect(
                f"For n = {n}, k = {k}, your folds hold n // k = {n // k} indices each, and the "
                f"remaining {rest} never validated. When k does not divide n, n % k = {n % k} "
                "folds get one index more: np.array_split(order, k) does that."
            )
        raise Incorrect(
            f"For n = {n}, k = {k}, {missing.size} indices (e.g. {missing[0]}) are in no "
            "validation "
            "fold; every index must be validated exactly once."
        )
    sizes = sorted(v.size for v in vals)
    if sizes[-1] - sizes[0] > 1:
        raise Incorrect(
            f"For n = {n}, k = {k}, your fold sizes are {sizes}; they must differ by at most one "
            f"(n % k = {n % k} of size {n // k + 1}, the others {n // k}). A last fold that takes "
            "the rest is too big or too small: np.array_split(order, k) shares the remainder out."
        )
    everything = np.arange(n)
    for i, (train, val) in enumerate(folds, start=1):
        inside = np.intersect1d(train, val)
        if inside.size:
            raise Incorrect(
                f"For n = {n}, k = {k}, train_idx of pair {i} contains validation indices (e.g. "
                f"{inside[0]}): the model would be validated on examples it was trained on. "
                "train_idx is every index that is not in val_idx."
            )
        if np.unique(train).size != train.size:
            raise Incorrect(
                f"For n = {n}, k = {k}, train_idx of pair {i} holds an index twice; it must hold "
                "each of the other indices once."
            )
        left_out = np.setdiff1d(np.setdiff1d(everything, val), train)
        if left_out.size:
            raise Incorrect(
                f"For n = {n}, k = {k}, train_idx of pair {i} leaves out {left_out.size} indices "
                f"that are not in its val_idx (e.g. {left_out[0]}): the model trains on all the "
                f"other k − 1 = {k - 1} folds, np.concatenate of them, or "
                "np.setdiff1d(np.arange(n), "
                "val_idx)."
            )


def _same_folds(a, b):
    return len(a) == len(b) and all(
        np.array_equal(np.sort(x), np.sort(y)) for (_, x), (_, y) in zip(a, b)
    )


def _contiguous(folds):
    return all(np.all(np.diff(np.sort(v)) == 1) for _, v in folds)


def _kfold_swapped(folds, n, k):
    """True if the folds are right once each pair is read as (val_idx, train_idx)."""
    try:
        _kfold_properties([(v, t) for t, v in folds], n, k)
    except Incorrect:
        return False
    return True


def _judge_kfold(answer):
    cases = list(_KFOLD_CASES)
    for _ in range(3):  # fresh sizes for every check
        n = int(_KFOLD_RNG.integers(12, 80))
        cases.append((n, int(_KFOLD_RNG.integers(2, min(n, 12) + 1))))
    seeds = _KFOLD_RNG.integers(0, 2**32, size=len(cases))
    runs = [_kfold_call(answer, n, k, int(seed)) for (n, k), seed in zip(cases, seeds)]
    # overlapping folds first: on a small case independent draws may happen not to overlap
    for check in (_kfold_overlap, _kfold_properties):
        for (n, k), folds in zip(cases, runs):
            try:
                check(folds, n, k)
            except Incorrect:
                if _kfold_swapped(folds, n, k):
                    raise Incorrect(
                        "Your pairs are (val_idx, train_idx): the small array comes second. Return "
                        "(train_idx, val_idx), in that order, as scikit-learn's KFold.split "
                        "does."
                    ) from None
                raise
    # shuffling with the generator passed in: reproducible with it, different without it
    for (n, k), seed, folds in zip(cases, seeds, runs):
        if n < 12 or n // k < 3:
            continue
        if not _same_folds(folds, _kfold_call(answer, n, k, int(seed))):
            raise Incorrect(_KFOLD_GLOBAL)
        if _same_folds(folds, _kfold_call(answer, n, k, int(seed) + 1)):
            raise Incorrect(_KFOLD_BLOCKS if _contiguous(folds) else _KFOLD_FIXED)
    for n, k in [(10, 1), (10, 11), (5, 0)]:
        try:
            out = answer(n, k, np.random.default_rng(0))
        except NotImplementedError:
            raise
        except ValueError:
            continue
        except Exception as exc:
            raise Incorrect(
                f"Your function raised {_exception_text(exc)} (for kfold_indices({n}, {k}, rng)); "
                "for a k outside 2 ≤ k ≤ n, raise a ValueError that says so yourself "
                "(`if not 2 <= k <= n: raise ValueError(...)`)."
            ) from None
        why = (
            "one fold leaves no data to train on"
            if k == 1
            else "there are not enough examples for the folds"
        )
        raise Incorrect(
            f"kfold_indices({n}, {k}, rng) returned {_describe(out)}, but {why}: for k outside "
            "2 ≤ k ≤ n, raise a ValueError (`if not 2 <= k <= n: raise ValueError(...)`)."
        )


q5 = Question(
    "Lab 8, question 5 (k-fold indices)",
    _judge_kfold,
    reference=kfold_indices,
    hints=[
        "Shuffle the indices 0, …, n − 1 once with the generator you are given, cut the shuffled "
        "order into k "
        "pieces whose sizes differ by at most one, and let each piece be the validation fold once.",
        "order = rng.permutation(n); folds = np.array_split(order, k) (it gives n % k folds one "
        "index more). "
        "For fold i the training indices are all the other folds: np.concatenate(folds[:i] + "
        "folds[i + 1:]).",
        "Check k first: `if not 2 <= k <= n: raise ValueError(...)`, then return "
        "[(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)].",
    ],
    examples=[
        (_kfold_unshuffled, "Shuffle first"),
        (_kfold_drop_remainder, "never validated"),
        (_kfold_train_everything, "contains validation indices"),
        (_kfold_independent_draws, "overlap"),
        (_kfold_global_generator, "global generator"),
        (_kfold_fixed_seed, "whatever `rng`"),
        (_kfold_last_takes_rest, "differ by at most one"),
        (_kfold_no_check, "raise a ValueError"),
        (_kfold_next_fold_trains, "leaves out"),
    ],
)
