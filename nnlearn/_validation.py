"""Input checks shared by the public entry points of nnlearn.

Every public function checks its arguments once, at the door, and raises a
``ValueError`` or ``TypeError`` whose message names the argument, says what
was expected and what was given, and, where it can, suggests a fix.  Internal
methods (those whose names start with an underscore) trust their callers and
do no checking, so that a training step pays for validation only once.
"""

import difflib
import numbers

import numpy as np


def check_array(x, name, *, ndim=None, dtype=None, allow_int=False):
    """Return ``x`` as a finite floating-point ndarray, or raise a clear error.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in error messages.
    ndim : int, optional
        The required number of dimensions.  For ``ndim=2`` the message
        explains the batch-first convention ``(n_samples, n_features)``.
    dtype : numpy dtype, optional
        Floating dtype to convert to.  By default float arrays keep their
        dtype and everything else becomes float64.
    allow_int : bool
        Keep integer arrays as they are (used for class labels).
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"`{name}` must be an array of numbers, got "
                        f"{type(x).__name__} {x!r}.")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"`{name}` must be an array of numbers, got {type(x).__name__} "
                        f"that numpy cannot convert ({exc}).") from None
    if arr.dtype == bool:
        arr = arr.astype(np.float64 if dtype is None else dtype)
    if (not np.issubdtype(arr.dtype, np.number)
            or np.issubdtype(arr.dtype, np.complexfloating)):
        raise TypeError(f"`{name}` must contain real numbers, got an array of "
                        f"dtype {arr.dtype}.")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    elif (not (allow_int and np.issubdtype(arr.dtype, np.integer))
          and not np.issubdtype(arr.dtype, np.floating)):
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(_ndim_message(name, arr, ndim))
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"`{name}` must contain only finite numbers, got {n_bad} NaN or infinite "
            f"value{'s' if n_bad != 1 else ''} in an array of shape {arr.shape}. "
            "Impute or drop missing values before training "
            "(see sklearn.impute.SimpleImputer)."
        )
    return arr


def _ndim_message(name, arr, ndim):
    got = f"a {arr.ndim}-D array of shape {arr.shape}"
    if ndim == 2:
        msg = (f"`{name}` must be a 2-D array of shape (n_samples, n_features), "
               f"got {got}.")
        if arr.ndim == 1:
            msg += (f" If it holds one sample, use {name}.reshape(1, -1); "
                    f"if it holds one feature, use {name}.reshape(-1, 1).")
        elif arr.ndim == 0:
            msg += f" Wrap a single number as np.array([[{name}]])."
        return msg
    return f"`{name}` must be a {ndim}-D array, got {got}."


def check_positive(value, name, *, allow_zero=False):
    """Return ``value`` as a float after checking it is a positive real number."""
    value = check_real(value, name)
    if value < 0 or (value == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be {bound}, got {value!r}.")
    return value


def check_real(value, name):
    """Return ``value`` as a finite float, or raise ``TypeError``/``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got "
                        f"{type(value).__name__} {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number, got {value!r}.")
    return value


def check_interval(value, name, low, high, *, low_closed=True, high_closed=False):
    """Return ``value`` as a float after checking ``low <= value < high``.

    The brackets are configurable.
    """
    value = check_real(value, name)
    ok_low = value >= low if low_closed else value > low
    ok_high = value <= high if high_closed else value < high
    if not (ok_low and ok_high):
        left, right = "[" if low_closed else "(", "]" if high_closed else ")"
        interval = f"{left}{low}, {high}{right}"
        raise ValueError(f"`{name}` must lie in {interval}, got {value!r}.")
    return value


def check_int(value, name, *, minimum=None):
    """Return ``value`` as an int after checking it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got "
                        f"{type(value).__name__} {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value}.")
    return value


def check_rng(rng):
    """Normalise ``rng`` (None, an int seed, a Generator) to a ``np.random.Generator``.

    ``rng=0`` is the seed 0, not "no seed".  The global numpy random state is
    never used.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError("`rng` must be None, an int seed or a numpy.random.Generator, "
                        f"got {type(rng).__name__} {rng!r}.")
    if rng < 0:
        raise ValueError(f"`rng` must be a non-negative int seed, got {rng}.")
    return np.random.default_rng(int(rng))


def check_float_dtype(dtype, name="dtype"):
    """Return ``dtype`` as float32 or float64, the two dtypes nnlearn computes in."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"`{name}` must be a numpy float dtype, "
                        f"got {dtype!r}.") from None
    if dt not in (np.float32, np.float64):
        raise ValueError(f"`{name}` must be float32 or float64, got {dt}.")
    return dt


def check_choice(value, name, choices, noun, kind=None):
    """Return ``value`` if it is one of the names ``choices``, else a clear
    ``TypeError``/``ValueError``.

    ``noun`` completes "`name` must be a <noun> name (str)"; ``kind`` (default ``noun``)
    names the table in the "Unknown <kind> ..." message, which lists the valid names.
    """
    if not isinstance(value, str):
        article = "an" if noun[0] in "aeiou" else "a"
        raise TypeError(f"`{name}` must be {article} {noun} name (str), one of "
                        f"{list(choices)}, got {type(value).__name__} {value!r}.")
    if value not in choices:
        raise unknown_name(kind or noun, value, choices)
    return value


def check_range(value, name):
    """Return ``value`` as a pair of floats ``(low, high)`` with ``low < high``."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a pair (low, high), "
                        f"got {value!r}.") from None
    low, high = check_real(low, f"{name}[0]"), check_real(high, f"{name}[1]")
    if not low < high:
        raise ValueError(f"`{name}` must be (low, high) with low < high, "
                         f"got {value!r}.")
    return low, high


def unknown_name(kind, name, valid):
    """Build the ``ValueError`` for a name not found in a lookup table."""
    valid = sorted(valid)
    msg = f"Unknown {kind} {name!r}. Valid names: {', '.join(repr(v) for v in valid)}."
    close = difflib.get_close_matches(str(name), valid, n=1)
    if close:
        msg += f" Did you mean {close[0]!r}?"
    return ValueError(msg)


def from_table(value, argname, table, base, kind, options, hint):
    """Look ``value`` up for the argument the user called ``argname``: an instance of
    ``base`` is returned as it is, a name in the name -> class ``table`` is built with
    ``options``.  ``kind`` names what the table holds with its article ("an
    activation", "a loss"); ``hint`` is the hint for a value that is neither a name nor
    an object."""
    noun = kind.split(" ", 1)[1]
    if isinstance(value, base):
        if options:
            raise TypeError(f"options {sorted(options)} cannot be applied to an "
                            f"existing {noun} object {value!r}.")
        return value
    if isinstance(value, type) and issubclass(value, base):
        raise TypeError(f"`{argname}` must be {kind} name (str) or a {base.__name__} "
                        f"object, got the class {value.__name__}. Hint: pass "
                        f"{value.__name__}() or {value.name!r}.")
    if not isinstance(value, str):
        raise TypeError(f"`{argname}` must be {kind} name (str) or a {base.__name__}, "
                        f"got {type(value).__name__} {value!r}. Hint: {hint}")
    if value not in table:
        raise unknown_name(noun, value, table)
    try:
        return table[value](**options)
    except TypeError as exc:
        # an option of the wrong type: its own message names it
        if str(exc).startswith("`"):
            raise
        raise TypeError(f"{noun} {value!r} got unexpected options "
                        f"{sorted(options)}.") from None


def shape_hint(y_pred, y_true):
    """The hint for predictions and targets of different shapes: a column against a
    flat array, or a transposed batch ("" when neither applies)."""
    if y_pred.ndim == 2 and y_pred.shape[1] == 1 and y_true.shape == (y_pred.shape[0],):
        return " Hint: reshape the targets to a column with y_true.reshape(-1, 1)."
    if y_true.ndim == 2 and y_true.shape[1] == 1 and y_pred.shape == (y_true.shape[0],):
        return " Hint: reshape the predictions to a column with y_pred.reshape(-1, 1)."
    if y_pred.ndim == y_true.ndim == 2 and y_pred.shape == y_true.shape[::-1]:
        return " Hint: one of them looks transposed; pass it with one row per sample."
    return ""


def check_grad_output(layer, grad_output):
    """The public ``backward``'s check for a layer that kept the shape of its last
    output in ``_out_shape``."""
    if layer._out_shape is None:
        raise RuntimeError(f"{layer!r}: call forward() before backward().")
    grad_output = check_array(grad_output, "grad_output", ndim=len(layer._out_shape))
    if grad_output.shape != layer._out_shape:
        raise ValueError("`grad_output` must have the shape of the last forward output "
                         f"{layer._out_shape}, got {grad_output.shape}.")
    return grad_output


#: Largest number of parameters (weights and biases) one layer may hold, 10**8 scalars
#: (800 MB in float64).  Larger requests are refused before anything is allocated (a
#: typo such as 10**6 units).
MAX_LAYER_PARAMS = 10**8


def check_layer_size(n_params, description):
    """Refuse a layer of over :data:`MAX_LAYER_PARAMS` parameters before allocating it.

    ``description`` names the arguments, e.g. ``"Dense(n_in=1000000, n_out=1000000)"``.
    """
    if n_params > MAX_LAYER_PARAMS:
        raise ValueError(f"{description} would hold {n_params:,} parameters "
                         f"({n_params * 8 / 1e9:,.1f} GB in float64); nnlearn refuses "
                         f"layers of more than {MAX_LAYER_PARAMS:,} (10**8) "
                         "parameters. Hint: check the sizes for a typo; a layer this "
                         "large needs a GPU library, not numpy.")
    return n_params
