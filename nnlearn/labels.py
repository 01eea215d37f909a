r"""Class labels: integer indices and one-hot rows.

A classifier's targets come in two forms:

* **class indices** ``y`` of shape ``(n_samples,)``, integers in
  :math:`\{0, \dots, K-1\}` (what scikit-learn's datasets and
  :mod:`nnlearn.datasets` return);
* **one-hot rows** ``Y`` of shape ``(n_samples, K)`` with
  :math:`Y_{ik} = 1` if :math:`y_i = k` and :math:`0` otherwise (what a
  softmax output layer is compared with).

:func:`one_hot` goes from the first to the second and :func:`from_one_hot`
back (it also turns rows of predicted probabilities into predicted classes).
"""

import numpy as np

from ._validation import check_array, check_float_dtype, check_int

__all__ = ["check_labels", "one_hot", "from_one_hot"]


def check_labels(y, n_classes=None, *, name="y"):
    """Return ``y`` as a 1-D int64 array of class indices, or raise a clear error.

    Parameters
    ----------
    y : array_like of shape (n_samples,)
        Class indices.  Integer-valued floats (``1.0``) and booleans are
        accepted and converted; ``1.5`` is not.
    n_classes : int, optional
        The number of classes :math:`K`; when given, every label must be
        below it.
    name : str, default "y"
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> check_labels([0.0, 2.0, 1.0])
    array([0, 2, 1])
    """
    arr = check_array(y, name, allow_int=True)
    if arr.ndim != 1:
        msg = (f"`{name}` must be a 1-D array of class indices of shape (n_samples,), "
               f"got a {arr.ndim}-D array of shape {arr.shape}.")
        if arr.ndim == 2 and arr.shape[1] == 1:
            msg += f" For a single column of labels use {name}.ravel()."
        elif arr.ndim == 2:
            msg += (f" Is it one-hot encoded already? from_one_hot({name}) gives the "
                    "class indices.")
        raise ValueError(msg)
    if not np.issubdtype(arr.dtype, np.integer):
        fractional = arr != np.round(arr)
        if fractional.any():
            i = int(np.argmax(fractional))
            raise ValueError(f"`{name}` must hold integer class labels, got the "
                             f"non-integer value {arr[i].item()!r} at index {i}. Round "
                             "or map the labels to 0, 1, ..., K-1 first.")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        i = int(np.argmin(arr))
        raise ValueError(f"`{name}` must hold non-negative class labels 0, 1, ..., "
                         f"K-1, got {arr[i]} at index {i}. Map the labels first, e.g. "
                         f"with np.unique({name}, return_inverse=True).")
    if n_classes is not None:
        n_classes = check_int(n_classes, "n_classes", minimum=1)
        if arr.size and arr.max() >= n_classes:
            i = int(np.argmax(arr))
            raise ValueError(f"`{name}` must hold labels in [0, {n_classes}) for "
                             f"n_classes={n_classes}, got the label {arr[i]} at index "
                             f"{i}. Labels start at 0; pass n_classes={arr[i] + 1} or "
                             "more if there are that many classes.")
    return arr


def one_hot(labels, n_classes=None, *, dtype=np.float64):
    r"""Encode class indices as one-hot rows.

    .. math:: Y_{ik} = \begin{cases} 1 & \text{if } y_i = k \\
                                    0 & \text{otherwise} \end{cases}

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,)
        Class indices in :math:`[0, K)`.
    n_classes : int, optional
        The number of classes :math:`K`.  By default ``labels.max() + 1``;
        pass it explicitly when a batch (say a small test set) may miss the
        last classes, so that every batch gets the same number of columns.
    dtype : float32 or float64, default float64

    Returns
    -------
    Y : ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    >>> one_hot([1], n_classes=4)
    array([[0., 1., 0., 0.]])
    """
    dtype = check_float_dtype(dtype)
    y = check_labels(labels, n_classes, name="labels")
    if n_classes is None:
        if y.size == 0:
            raise ValueError("`labels` is empty, so the number of classes cannot be "
                             "inferred; pass n_classes.")
        n_classes = int(y.max()) + 1
    Y = np.zeros((y.shape[0], int(n_classes)), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def from_one_hot(Y):
    r"""Return the class index of each row, :math:`y_i = \arg\max_k Y_{ik}`.

    For one-hot rows this undoes :func:`one_hot`; for rows of predicted
    probabilities (a softmax output) it gives the predicted classes.  Ties go
    to the first largest column, as in ``np.argmax``.

    Parameters
    ----------
    Y : array_like of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> from_one_hot([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1]])
    array([1, 0])
    """
    arr = check_array(Y, "Y")
    if arr.ndim != 2:
        msg = (f"`Y` must be a 2-D array of shape (n_samples, n_classes), "
               f"got a {arr.ndim}-D array of shape {arr.shape}.")
        if arr.ndim == 1:
            msg += (" It looks like class indices already; one_hot(Y) encodes them as "
                    "rows.")
        raise ValueError(msg)
    if arr.shape[1] == 0:
        raise ValueError(f"`Y` must have at least one column (one per class), "
                         f"got shape {arr.shape}.")
    return np.argmax(arr, axis=1).astype(np.int64)
