"""Lab 8's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import warnings

import numpy as np


def standardise(X_train, X_test):
    """Standardise both sets with the mean and standard deviation of each column of the training set."""
    mu = X_train.mean(axis=0)              # one mean per feature (column), training set only
    s = X_train.std(axis=0)                # one standard deviation per feature
    return (X_train - mu) / s, (X_test - mu) / s


def min_max_scale(X_train, X_test):
    """Map each column's training range [min_j, max_j] onto [0, 1]; the test set uses the same min and max."""
    lo = X_train.min(axis=0)
    hi = X_train.max(axis=0)
    return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)


def impute_mean(X_train, X_test):
    """Replace every NaN by the mean of the observed training values of its column."""
    means = np.nanmean(X_train, axis=0)    # the mean of each column, ignoring the missing entries
    return np.where(np.isnan(X_train), means, X_train), np.where(np.isnan(X_test), means, X_test)


def stratified_test_counts(y, test_fraction):
    """How many examples of each class (in the order of np.unique(y)) a stratified test set holds."""
    _, counts = np.unique(y, return_counts=True)      # n_c for each class, in sorted order
    return np.round(counts * test_fraction).astype(int)


# -- wrong answers -------------------------------------------------------------------------------
def _standardise_all_data(X_train, X_test):
    X_all = np.vstack([X_train, X_test])
    mu, s = X_all.mean(axis=0), X_all.std(axis=0)
    return (X_train - mu) / s, (X_test - mu) / s


def _standardise_rows(X_train, X_test):
    def rows(X):
        return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    return rows(X_train), rows(X_test)


def _standardise_variance(X_train, X_test):
    mu, v = X_train.mean(axis=0), X_train.var(axis=0)
    return (X_train - mu) / v, (X_test - mu) / v


def _standardise_each_own(X_train, X_test):
    return (X_train - X_train.mean(axis=0)) / X_train.std(axis=0), (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)


def _standardise_ddof1(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mu) / s, (X_test - mu) / s


def _standardise_centre_only(X_train, X_test):
    mu = X_train.mean(axis=0)
    return X_train - mu, X_test - mu


def _minmax_swapped(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X_train - hi) / (hi - lo), (X_test - hi) / (hi - lo)


def _minmax_no_range(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X_train - lo) / hi, (X_test - lo) / hi


def _minmax_divide_max(X_train, X_test):
    hi = X_train.max(axis=0)
    return X_train / hi, X_test / hi


def _minmax_each_own(X_train, X_test):
    def scale(X):
        return (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    return scale(X_train), scale(X_test)


def _minmax_global(X_train, X_test):
    lo, hi = X_train.min(), X_train.max()
    return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)


def _minmax_rows(X_train, X_test):
    def rows(X):
        lo, hi = X.min(axis=1, keepdims=True), X.max(axis=1, keepdims=True)
        return (X - lo) / (hi - lo)
    return rows(X_train), rows(X_test)


def _minmax_all_data(X_train, X_test):
    X_all = np.vstack([X_train, X_test])
    lo, hi = X_all.min(axis=0), X_all.max(axis=0)
    return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)


def _minmax_clipped(X_train, X_test):
    X_train_scaled, X_test_scaled = min_max_scale(X_train, X_test)
    return X_train_scaled, np.clip(X_test_scaled, 0.0, 1.0)


def _minmax_floor_division(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X_train - lo) // (hi - lo), (X_test - lo) // (hi - lo)


def _standardise_global(X_train, X_test):
    mu, s = X_train.mean(), X_train.std()
    return (X_train - mu) / s, (X_test - mu) / s


def _standardise_train_only(X_train, X_test):
    return standardise(X_train, X_test)[0], X_test


def _impute_holes_as_zeros_in_mean(X_train, X_test):
    means = np.nan_to_num(X_train, nan=0.0).mean(axis=0)
    return np.where(np.isnan(X_train), means, X_train), np.where(np.isnan(X_test), means, X_test)


def _counts_total_shared(y, f):
    """Round the total n · f and share it out by largest remainders: not the per-class rounding asked for."""
    counts = np.unique(y, return_counts=True)[1]
    raw = counts * f
    base = np.floor(raw).astype(int)
    base[np.argsort(-(raw - base), kind="stable")[:int(round(len(y) * f)) - base.sum()]] += 1
    return base


def _counts_by_frequency(y, f):
    return np.round(np.sort(np.unique(y, return_counts=True)[1])[::-1] * f).astype(int)


def _impute_drop_rows(X_train, X_test):
    return X_train[~np.isnan(X_train).any(axis=1)], X_test[~np.isnan(X_test).any(axis=1)]


def _impute_zeros(X_train, X_test):
    return np.nan_to_num(X_train, nan=0.0), np.nan_to_num(X_test, nan=0.0)


def _quiet(wrong):
    """``wrong`` without numpy's "Mean of empty slice" warnings (a column of the test set may be all NaN)."""
    def quiet(X_train, X_test):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return wrong(X_train, X_test)
    return quiet


@_quiet
def _impute_test_means(X_train, X_test):
    return (np.where(np.isnan(X_train), np.nanmean(X_train, axis=0), X_train),
            np.where(np.isnan(X_test), np.nanmean(X_test, axis=0), X_test))


def _impute_all_means(X_train, X_test):
    means = np.nanmean(np.vstack([X_train, X_test]), axis=0)
    return np.where(np.isnan(X_train), means, X_train), np.where(np.isnan(X_test), means, X_test)


def _impute_plain_mean(X_train, X_test):
    means = X_train.mean(axis=0)
    return np.where(np.isnan(X_train), means, X_train), np.where(np.isnan(X_test), means, X_test)


@_quiet
def _impute_row_means(X_train, X_test):
    def rows(X):
        return np.where(np.isnan(X), np.nanmean(X, axis=1, keepdims=True), X)
    return rows(X_train), rows(X_test)


def _impute_medians(X_train, X_test):
    medians = np.nanmedian(X_train, axis=0)
    return np.where(np.isnan(X_train), medians, X_train), np.where(np.isnan(X_test), medians, X_test)


# -- q5: k-fold indices ----------------------------------------------------------------------------
def kfold_indices(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError(f"`k` must be an integer with 2 <= k <= n = {n}, got {k!r}.")
    folds = np.array_split(rng.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_unshuffled(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    folds = np.array_split(np.arange(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_drop_remainder(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    order, size = rng.permutation(n), n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k)]
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_train_everything(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    return [(np.arange(n), fold) for fold in np.array_split(rng.permutation(n), k)]


def _kfold_independent_draws(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    pairs = []
    for _ in range(k):
        val = rng.choice(n, size=n // k, replace=False)
        pairs.append((np.setdiff1d(np.arange(n), val), val))
    return pairs


def _kfold_global_generator(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    folds = np.array_split(np.random.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_fixed_seed(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    folds = np.array_split(np.random.default_rng(0).permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_last_takes_rest(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    order, size = rng.permutation(n), n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k - 1)] + [order[(k - 1) * size:]]
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_no_check(n, k, rng):
    folds = np.array_split(rng.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _kfold_next_fold_trains(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError("bad k")
    folds = np.array_split(rng.permutation(n), k)
    return [(folds[(i + 1) % k], folds[i]) for i in range(k)]
