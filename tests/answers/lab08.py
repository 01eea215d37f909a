"""Lab 8: wrong and unusual-but-correct answers a learner might write (see tests/answers)."""

import warnings
from collections import Counter

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, StandardScaler


# -- q1: standardisation -------------------------------------------------------------------------
def std_global_spread(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std()
    return (X_train - mu) / s, (X_test - mu) / s


def std_in_place(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0)
    X_train -= mu
    X_train /= s
    X_test -= mu
    X_test /= s
    return X_train, X_test


def std_max_abs(X_train, X_test):
    mu, s = X_train.mean(axis=0), np.abs(X_train).max(axis=0)
    return (X_train - mu) / s, (X_test - mu) / s


def std_stacked(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0)
    return np.vstack([(X_train - mu) / s, (X_test - mu) / s])


def std_as_dict(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0)
    return {"train": (X_train - mu) / s, "test": (X_test - mu) / s}


def std_floor_division(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) // s, (X_test - mu) // s


def std_test_mean_train_std(X_train, X_test):
    s = X_train.std(axis=0)
    return (X_train - X_train.mean(axis=0)) / s, (X_test - X_test.mean(axis=0)) / s


def std_first_column_mean(X_train, X_test):
    mu, s = X_train[:, 0].mean(), X_train.std(axis=0)
    return (X_train - mu) / s, (X_test - mu) / s


def std_sklearn(X_train, X_test):
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def std_by_hand(X_train, X_test):
    n = len(X_train)
    mu = X_train.sum(axis=0) / n
    s = np.sqrt(((X_train - mu) ** 2).sum(axis=0) / n)
    return [(X - mu) / s for X in (X_train, X_test)]


# -- q2: min-max scaling -------------------------------------------------------------------------
def minmax_first_last_row(X_train, X_test):
    lo, hi = X_train[0], X_train[-1]
    return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)


def minmax_test_range(X_train, X_test):
    lo = X_train.min(axis=0)
    return ((X_train - lo) / (X_train.max(axis=0) - lo),
            (X_test - lo) / (X_test.max(axis=0) - X_test.min(axis=0)))


def minmax_global_range(X_train, X_test):
    lo, r = X_train.min(axis=0), np.ptp(X_train)
    return (X_train - lo) / r, (X_test - lo) / r


def minmax_floor_division(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X_train - lo) // (hi - lo), (X_test - lo) // (hi - lo)


def minmax_clipped_test(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    return (X_train - lo) / (hi - lo), np.clip((X_test - lo) / (hi - lo), 0.0, 1.0)


def minmax_in_place(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    for X in (X_train, X_test):
        X -= lo
        X /= hi - lo
    return X_train, X_test


def minmax_sklearn(X_train, X_test):
    scaler = MinMaxScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def minmax_ptp(X_train, X_test):
    lo, r = np.min(X_train, axis=0), np.ptp(X_train, axis=0)
    return (X_train - lo) / r, (X_test - lo) / r


# -- q3: mean imputation -------------------------------------------------------------------------
def impute_global_mean(X_train, X_test):
    m = np.nanmean(X_train)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


def impute_median(X_train, X_test):
    m = np.nanmedian(X_train, axis=0)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


def impute_complete_rows(X_train, X_test):
    m = X_train[~np.isnan(X_train).any(axis=1)].mean(axis=0)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


def impute_in_place(X_train, X_test):
    m = np.nanmean(X_train, axis=0)
    for X in (X_train, X_test):
        rows, cols = np.where(np.isnan(X))
        X[rows, cols] = m[cols]
    return X_train, X_test


def impute_train_only(X_train, X_test):
    m = np.nanmean(X_train, axis=0)
    return np.where(np.isnan(X_train), m, X_train), X_test.copy()


def impute_nansum_over_all_rows(X_train, X_test):
    m = np.nansum(X_train, axis=0) / len(X_train)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


def impute_sklearn(X_train, X_test):
    imputer = SimpleImputer(strategy="mean", keep_empty_features=True).fit(X_train)
    return imputer.transform(X_train), imputer.transform(X_test)


def impute_column_loop(X_train, X_test):
    A, B = X_train.copy(), X_test.copy()
    for j in range(A.shape[1]):
        observed = A[:, j][~np.isnan(A[:, j])]
        mean = sum(observed) / len(observed)
        A[np.isnan(A[:, j]), j] = mean
        B[np.isnan(B[:, j]), j] = mean
    return A, B


def impute_masked(X_train, X_test):
    m = np.ma.masked_invalid(X_train).mean(axis=0).filled(np.nan)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


# -- q4: stratified test counts ------------------------------------------------------------------
def counts_bincount(y, test_fraction):
    return np.round(np.bincount(y) * test_fraction).astype(int)


def counts_ceil(y, test_fraction):
    return np.ceil(np.unique(y, return_counts=True)[1] * test_fraction).astype(int)


def counts_first_appearance(y, test_fraction):
    counts = {}
    for label in y:
        counts[label] = counts.get(label, 0) + 1
    return np.array([round(c * test_fraction) for c in counts.values()])


def counts_most_common(y, test_fraction):
    return np.array([round(c * test_fraction) for _, c in Counter(y.tolist()).most_common()])


def counts_fixed_fraction(y, test_fraction):
    return np.round(np.unique(y, return_counts=True)[1] * 0.2).astype(int)


def counts_as_dict(y, test_fraction):
    classes, counts = np.unique(y, return_counts=True)
    return {c: int(round(n * test_fraction)) for c, n in zip(classes, counts)}


def counts_total_first(y, test_fraction):
    n_test = round(len(y) * test_fraction)
    _, counts = np.unique(y, return_counts=True)
    return np.floor(counts / len(y) * n_test).astype(int)


def counts_counter(y, test_fraction):
    c = Counter(y.tolist())
    return np.array([round(c[k] * test_fraction) for k in sorted(c)])


def counts_add_half(y, test_fraction):
    _, counts = np.unique(y, return_counts=True)
    return (counts * test_fraction + 0.5).astype(int)


WRONG = [
    ("q1", std_global_spread, "wrong for the input"),
    ("q1", std_in_place, "in place"),
    ("q1", std_max_abs, "wrong for the input"),
    ("q1", std_stacked, "the pair (X_train_scaled, X_test_scaled)"),
    ("q1", std_as_dict, "got a dict"),
    ("q1", std_floor_division, "wrong for the input"),
    ("q1", std_test_mean_train_std, "wrong for the input"),
    ("q1", std_first_column_mean, "wrong for the input"),
    ("q2", minmax_first_last_row, None),
    ("q2", minmax_test_range, "a test set of one example"),
    ("q2", minmax_global_range, "wrong for the input"),
    ("q2", minmax_floor_division, "floor division"),
    ("q2", minmax_clipped_test, "Don't clip"),
    ("q2", minmax_in_place, "in place"),
    ("q3", impute_global_mean, "wrong for the input"),
    ("q3", impute_median, "median"),
    ("q3", impute_complete_rows, "wrong for the input"),
    ("q3", impute_in_place, "in place"),
    ("q3", impute_train_only, "X_test still contains NaN"),
    ("q3", impute_nansum_over_all_rows, "count the holes as zeros"),
    ("q4", counts_bincount, None),
    ("q4", counts_ceil, "rounded n_c · test_fraction up"),
    ("q4", counts_first_appearance, "wrong for the input"),
    ("q4", counts_most_common, "sorted by class frequency"),
    ("q4", counts_fixed_fraction, "ignores `test_fraction`"),
    ("q4", counts_as_dict, "dict"),
    ("q4", counts_total_first, "wrong for the input"),
]

RIGHT = [
    ("q1", std_sklearn),
    ("q1", std_by_hand),
    ("q2", minmax_sklearn),
    ("q2", minmax_ptp),
    ("q3", impute_sklearn),
    ("q3", impute_column_loop),
    ("q3", impute_masked),
    ("q4", counts_counter),
    ("q4", counts_add_half),
]


# -- from an independent review (answers written without reading the checks) --------------------
def std_one_mean_for_all(X_train, X_test):
    mu, s = X_train.mean(), X_train.std()
    return (X_train - mu) / s, (X_test - mu) / s


def std_test_left_raw(X_train, X_test):
    mu, s = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / s, X_test


def minmax_rows_keepdims(X_train, X_test):
    lo, hi = X_train.min(1, keepdims=True), X_train.max(1, keepdims=True)
    lo2, hi2 = X_test.min(1, keepdims=True), X_test.max(1, keepdims=True)
    return (X_train - lo) / (hi - lo), (X_test - lo2) / (hi2 - lo2)


def minmax_fitted_on_all(X_train, X_test):
    X = np.vstack([X_train, X_test])
    lo, hi = X.min(0), X.max(0)
    return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)


def minmax_test_clipped(X_train, X_test):
    lo, hi = X_train.min(0), X_train.max(0)
    return (X_train - lo) / (hi - lo), np.clip((X_test - lo) / (hi - lo), 0, 1)


def impute_train_row_means(X_train, X_test):
    with warnings.catch_warnings():          # a row may be all NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        m = np.nanmean(X_train, 1, keepdims=True)
        filled_test = np.where(np.isnan(X_test), np.nanmean(X_train), X_test)
        return np.where(np.isnan(X_train), m, X_train), filled_test


def impute_holes_count_as_zero(X_train, X_test):
    m = np.nan_to_num(X_train).mean(0)
    return np.where(np.isnan(X_train), m, X_train), np.where(np.isnan(X_test), m, X_test)


def counts_total_shared_out(y, f):      # largest remainders on the rounded total, not per class
    _, c = np.unique(y, return_counts=True)
    total = int(round(len(y) * f))
    raw = c * f
    base = np.floor(raw).astype(int)
    base[np.argsort(-(raw - base))[:total - base.sum()]] += 1
    return base


def counts_by_frequency(y, f):
    return np.round(np.sort(np.unique(y, return_counts=True)[1])[::-1] * f).astype(int)


def counts_rounded_floats(y, f):
    return np.round(np.unique(y, return_counts=True)[1] * f)


def counts_as_list(y, f):
    return [int(round(v * f)) for v in np.unique(y, return_counts=True)[1]]


def counts_half_up(y, f):
    return np.floor(np.unique(y, return_counts=True)[1] * f + 0.5).astype(int)


WRONG += [
    ("q1", std_one_mean_for_all, "one mean and one standard deviation over the whole array"),
    ("q1", std_test_left_raw, "You returned X_test unscaled"),
    ("q2", minmax_rows_keepdims, "You scaled each row"),
    ("q2", minmax_fitted_on_all, "data leakage"),
    ("q2", minmax_test_clipped, "Don't clip"),
    ("q3", impute_train_row_means, "mean of their row"),
    ("q3", impute_holes_count_as_zero, "count the holes as zeros"),
    ("q4", counts_total_shared_out, "round each class's n_c · test_fraction on its own"),
    ("q4", counts_by_frequency, "sorted by class frequency"),
    ("q4", counts_rounded_floats, "add `.astype(int)`"),
    ("q4", counts_as_list, "asks for an integer array"),
]

RIGHT += [
    ("q4", counts_half_up),
]


# -- second review: the training set judged alone -------------------------------------------------
def standardise_rows_test_right(X_train, X_test):
    mu, s = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / s, (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)


WRONG += [
    ("q1", standardise_rows_test_right, "use axis=0"),
]


# -- third review: a large mean next to a small spread ----------------------------------------------
def standardise_naive_variance(X_train, X_test):
    mu = X_train.mean(0)
    s = np.sqrt(np.mean(X_train ** 2, 0) - mu ** 2)      # E[x²] − E[x]²: catastrophic cancellation
    return (X_train - mu) / s, (X_test - mu) / s


def standardise_two_pass(X_train, X_test):
    mu = X_train.sum(axis=0) / len(X_train)
    s = np.sqrt(((X_train - mu) ** 2).sum(axis=0) / len(X_train))
    return (X_train - mu) / s, (X_test - mu) / s


def standardise_welford(X_train, X_test):
    X = np.asarray(X_train, dtype=float)
    mean, m2 = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for n, x in enumerate(X, start=1):
        delta = x - mean
        mean = mean + delta / n
        m2 = m2 + delta * (x - mean)
    s = np.sqrt(m2 / len(X))
    return (X_train - mean) / s, (X_test - mean) / s


WRONG += [
    ("q1", standardise_naive_variance, "catastrophic cancellation"),
]

RIGHT += [
    ("q1", standardise_two_pass),
    ("q1", standardise_welford),
]



# -- fourth review ----------------------------------------------------------------------------------
def counts_two_classes_from_the_total(y, test_fraction):
    u = np.unique(y)
    if len(u) != 2:                      # the learner's shortcut for two classes only
        return np.array([int(np.floor(c * test_fraction + 0.5)) for c in np.unique(y, return_counts=True)[1]])
    n = round(len(y) * test_fraction)
    c1 = round(int(np.sum(y == u[1])) * test_fraction)
    return np.array([n - c1, c1])


WRONG += [
    ("q4", counts_two_classes_from_the_total, "wrong for the input"),
]


def standardise_test_by_its_own_std(X_train, X_test):
    mu = X_train.mean(axis=0)
    return (X_train - mu) / X_train.std(axis=0), (X_test - mu) / X_test.std(axis=0)


WRONG += [
    ("q1", standardise_test_by_its_own_std, "divided by its own standard deviation"),
]


# -- q5: k-fold indices (judged by properties: any shuffle drawn from `rng` is right) --------------
def kfold_global_shuffle(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    idx = np.arange(n)
    np.random.shuffle(idx)
    folds = np.array_split(idx, k)
    return [
        (np.concatenate([f for j, f in enumerate(folds) if j != i]), folds[i]) for i in range(k)
    ]


def kfold_choice_per_fold(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    out = []
    for _ in range(k):
        val = rng.choice(n, n // k, replace=False)
        out.append((np.setdiff1d(np.arange(n), val), val))
    return out


def kfold_floor_size(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    perm, m = rng.permutation(n), n // k
    return [
        (np.concatenate([perm[: i * m], perm[(i + 1) * m :]]), perm[i * m : (i + 1) * m])
        for i in range(k)
    ]


def kfold_ceil_size(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    perm, m = rng.permutation(n), -(-n // k)
    return [
        (np.concatenate([perm[: i * m], perm[(i + 1) * m :]]), perm[i * m : (i + 1) * m])
        for i in range(k)
    ]


def kfold_delete_positions(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    order = rng.permutation(n)
    return [
        (np.delete(order, val), val) for val in np.array_split(order, k)
    ]  # deletes positions, not values


def kfold_swapped(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    folds = np.array_split(rng.permutation(n), k)
    return [(folds[i], np.concatenate(folds[:i] + folds[i + 1 :])) for i in range(k)]


def kfold_interleaved_unshuffled(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    idx = np.arange(n)
    return [(np.setdiff1d(idx, idx[i::k]), idx[i::k]) for i in range(k)]


def kfold_contiguous(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    return [(np.setdiff1d(np.arange(n), f), f) for f in np.array_split(np.arange(n), k)]


def kfold_no_check(n, k, rng):
    folds = np.array_split(rng.permutation(n), max(k, 1))
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(len(folds))]


def kfold_assert_check(n, k, rng):
    assert 2 <= k <= n, "bad k"
    folds = np.array_split(rng.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_seeded_own(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    folds = np.array_split(np.random.default_rng(42).permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_float_indices(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    folds = np.array_split(rng.permutation(n) * 1.0, k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def kfold_sklearn(n, k, rng):
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=k, shuffle=True, random_state=int(rng.integers(2**31)))
    return list(splitter.split(np.zeros((n, 1))))


def kfold_generator(n, k, rng):
    if not 2 <= k <= n:
        raise ValueError(f"k must be in [2, {n}], got {k}")
    order = list(range(n))
    rng.shuffle(order)
    start = 0
    folds = []
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(order[start : start + size])
        start += size
    return ((sum(folds[:i] + folds[i + 1 :], []), folds[i]) for i in range(k))  # lists, lazily


def kfold_interleaved_shuffled(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    order = rng.permutation(n)
    return [(np.sort(np.setdiff1d(order, order[i::k])), order[i::k]) for i in range(k)]


def kfold_fold_labels(n, k, rng):
    if k < 2 or k > n:
        raise ValueError("k must be between 2 and n")
    label = rng.permutation(np.arange(n) % k)  # a shuffled fold number for every example
    return [(np.flatnonzero(label != i), np.flatnonzero(label == i)) for i in range(k)]


WRONG += [
    ("q5", kfold_global_shuffle, "global generator"),
    ("q5", kfold_choice_per_fold, "overlap"),
    ("q5", kfold_floor_size, "never validated"),
    ("q5", kfold_ceil_size, "differ by at most one"),
    ("q5", kfold_delete_positions, None),
    ("q5", kfold_swapped, "(val_idx, train_idx)"),
    ("q5", kfold_interleaved_unshuffled, "whatever `rng`"),
    ("q5", kfold_contiguous, "Shuffle first"),
    ("q5", kfold_no_check, "raise a ValueError"),
    ("q5", kfold_assert_check, "raise a ValueError"),
    ("q5", kfold_seeded_own, "whatever `rng`"),
    ("q5", kfold_float_indices, "integer indices"),
]

RIGHT += [
    ("q5", kfold_sklearn),
    ("q5", kfold_generator),
    ("q5", kfold_interleaved_shuffled),
    ("q5", kfold_fold_labels),
]
