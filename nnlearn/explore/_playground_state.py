"""The playground's shareable experiments: all its settings in one short string.

TensorFlow Playground keeps its whole set-up in the page's URL, so that a teacher can
send an experiment as a link.  :attr:`Playground.state
<nnlearn.explore.playground.Playground.state>` does the same for ours: a string such as

    v=1&dataset=spiral&features=x1,x2,sin_x1,sin_x2&optimizer=adam&seed=0

that ``Playground(state=...)`` turns back into the same experiment, down to the seed.
The format (version 1) is a URL query string:

* fields ``key=value`` joined by ``&``, the version ``v=1`` first;
* the keys are the playground's parameter names; a setting left out has its version-1
  default (:data:`V1_DEFAULTS`), and ``dataset`` and ``seed`` are always written;
* numbers in Python's shortest exact form (``0.03``, ``1e-05``), so they round-trip
  exactly; switches as ``true`` or ``false``; ``hidden`` as widths joined by commas
  (``8,8``; ``none`` for no hidden layer); ``features`` as names joined by commas,
  with ``x1sq`` and ``x2sq`` for ``x1^2`` and ``x2^2`` (a ``^`` is not safe in a
  URL; both spellings are read).

Standard library only: parsing here checks the form of each value; the playground then
checks the values themselves, as it does its keyword arguments.
"""

import difflib
import urllib.parse

__all__ = ["encode_state", "decode_state", "V1_DEFAULTS", "STATE_VERSION"]

#: The version of the format that :func:`encode_state` writes.
STATE_VERSION = "1"

#: The settings a version-1 string leaves out, frozen here so that a string keeps its
#: meaning if the playground's defaults ever change.
V1_DEFAULTS = {"dataset": "circle", "noise": 0.0, "flip": 0.0, "train_ratio": 0.5,
               "n_samples": 400, "features": ("x1", "x2"), "hidden": (4, 4),
               "activation": "tanh", "loss": "bce", "optimizer": "sgd", "lr": 0.03,
               "batch_size": 10, "l1": 0.0, "l2": 0.0, "dropout": 0.0,
               "discretize": False, "show_test": True, "seed": 0}

# The order of the keys in a string: the problem, the network, the training, the
# display, the seed.
_ORDER = ("dataset", "noise", "flip", "train_ratio", "n_samples", "features", "hidden",
          "activation", "loss", "optimizer", "lr", "batch_size", "l1", "l2", "dropout",
          "discretize", "show_test", "seed")
_ALWAYS = ("dataset", "seed")
_FLOATS = {"noise": "0.5", "flip": "0.1", "train_ratio": "0.5", "lr": "0.03",
           "l1": "0.001", "l2": "0.001", "dropout": "0.2"}
_INTS = {"n_samples": "400", "batch_size": "10", "seed": "3"}
_FLAGS = {"true": True, "false": False, "1": True, "0": False}
_URL_NAMES = {"x1^2": "x1sq", "x2^2": "x2sq"}
_FROM_URL = {v: k for k, v in _URL_NAMES.items()}
_EXAMPLE = "v=1&dataset=spiral&hidden=8,8&seed=3"
_HINT = "copy the whole string from a playground's `state`."


def _number(x):
    """The shortest text that reads back as exactly ``x`` (no '+', which a URL would
    read as a space)."""
    text = repr(float(x)).replace("e+", "e")
    return text[:-2] if text.endswith(".0") else text


def _value(key, value):
    if key in _FLOATS or key in _INTS:
        return str(value) if key in _INTS else _number(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "hidden":
        return ",".join(map(str, value)) or "none"
    if key == "features":
        return ",".join(_URL_NAMES.get(f, f) for f in value)
    return value


def encode_state(params):
    """The state string of the checked playground parameters ``params``.

    >>> encode_state({**V1_DEFAULTS, "dataset": "xor", "hidden": (), "lr": 0.3})
    'v=1&dataset=xor&hidden=none&lr=0.3&seed=0'
    """
    fields = [f"v={STATE_VERSION}"]
    for key in _ORDER:
        if key in _ALWAYS or params[key] != V1_DEFAULTS[key]:
            fields.append(f"{key}={_value(key, params[key])}")
    return "&".join(fields)


def _fail(what, got, text, hint=_HINT):
    return ValueError(f"`state` {what}, got {got} in {text!r}. Hint: {hint}")


def _parse(key, value, text):
    for table, kind, word in ((_FLOATS, float, "a number"), (_INTS, int, "an integer")):
        if key in table:
            try:
                return kind(value)
            except ValueError:
                raise _fail(f"key {key!r} must be {word} such as {table[key]}",
                            repr(value), text) from None
    if isinstance(V1_DEFAULTS[key], bool):
        if value.lower() not in _FLAGS:
            raise _fail(f"key {key!r} must be true or false", repr(value), text)
        return _FLAGS[value.lower()]
    if key == "hidden":
        if value in ("", "none"):
            return ()
        try:
            return tuple(int(v) for v in value.split(","))
        except ValueError:
            raise _fail("key 'hidden' must be layer widths joined by commas, such "
                        "as 8,8 (or none for no hidden layer)", repr(value),
                        text) from None
    if key == "features":
        return tuple(_FROM_URL.get(f, f) for f in value.split(",") if f)
    return value


def decode_state(text):
    """The parameters a state string sets: every key of :data:`V1_DEFAULTS`.

    Checks the form of the string and of each value (a ``ValueError`` names the key,
    what was expected, what was given, and a hint); the playground checks the values.

    >>> p = decode_state("v=1&dataset=xor&hidden=none&features=x1sq,x1x2&seed=2")
    >>> p["dataset"], p["hidden"], p["features"], p["seed"], p["lr"]
    ('xor', (), ('x1^2', 'x1x2'), 2, 0.03)
    """
    if not isinstance(text, str):
        raise TypeError(f"`state` must be a str such as {_EXAMPLE!r}, got "
                        f"{type(text).__name__} {text!r}. Hint: {_HINT}")
    query = urllib.parse.unquote(text.strip().lstrip("?"))  # %5E -> ^, for a pasted URL
    fields = [f.partition("=") for f in query.split("&")] if query else []
    if not fields or fields[0][0] != "v" or not fields[0][1]:
        first = repr(query.split("&")[0]) if query else "nothing"
        raise _fail(f"must start with its version, 'v={STATE_VERSION}', as in "
                    f"{_EXAMPLE!r}", first, text)
    if fields[0][2] != STATE_VERSION:
        raise _fail(f"version must be {STATE_VERSION!r} (the one this nnlearn reads)",
                    repr(fields[0][2]), text,
                    "the string was made by another version of nnlearn; make it again "
                    "with this one, or install that one.")
    params = {}
    for key, sep, value in fields[1:]:
        if not sep:
            raise _fail("must be fields key=value joined by '&'", repr(key), text)
        if key not in V1_DEFAULTS:
            close = difflib.get_close_matches(key, _ORDER, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise _fail(f"has no key {key!r}", f"'{key}={value}'", text,
                        f"{hint}The keys are v, {', '.join(_ORDER)}.")
        if key in params:
            raise _fail(f"sets {key!r} twice", f"'{key}={value}'", text,
                        "keep one of the two.")
        params[key] = _parse(key, value, text)
    return {**V1_DEFAULTS, **params}
