"""The checks of a flipbook's arguments: the grid, the sizes, the frames, the text.

Part of ``nnlearn.explore.flipbook`` (which re-exports ``MAX_FRAMES``): the checks
of the arguments of ``flipbook()`` and ``Flipbook``, each returning the value as they
keep it or raising an error that says what was expected.
"""

import inspect
import math
from collections.abc import Mapping

from .._validation import check_array, check_int, check_positive
from ._flipbook_page import _png_size
from ._flipbook_png import _PNG_SIGNATURE

__all__ = ["MAX_FRAMES", "_check_params", "_check_figsize", "_check_frames",
           "_check_max_width", "_takes_layout", "_check_display", "_no_phone_options"]

#: The largest number of frames one flipbook may hold (the page stores every one).
MAX_FRAMES = 400


def _check_params(params):
    """Return ``(names, grids)``: the names, and each grid as a list of numbers."""
    if not isinstance(params, Mapping):
        raise TypeError("`params` must be a dict mapping each parameter name to its "
                        "values, e.g. {'w': np.linspace(0.5, 5, 10)}, "
                        f"got {type(params).__name__}.")
    if not 1 <= len(params) <= 2:
        listed = ": " + str(list(params)) if params else ""
        raise ValueError(f"`params` must have 1 or 2 entries (one slider each), "
                         f"got {len(params)}{listed}.")
    names, grids = [], []
    for name, values in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"`params` keys must be parameter names usable as keyword "
                            f"arguments (Python identifiers such as 'w' or "
                            f"'learning_rate'), got {name!r}.")
        grid = check_array(values, f"params[{name!r}]", ndim=1, allow_int=True)
        if grid.size == 0:
            raise ValueError(f"`params[{name!r}]` must hold at least one value, "
                             f"got an empty sequence.")
        names.append(name)
        grids.append(grid.tolist())  # Python ints and floats, as draw() and JSON expect
    n_frames = math.prod(len(g) for g in grids)
    if n_frames > MAX_FRAMES:
        sizes = " x ".join(str(len(g)) for g in grids)
        raise ValueError(f"`params` must give at most {MAX_FRAMES} frames in all (the "
                         f"page stores every frame), got {sizes} = {n_frames}. Use "
                         "fewer values, e.g. np.linspace(start, stop, 20) instead of "
                         "a finer grid.")
    return names, grids


def _check_figsize(figsize, name="figsize"):
    """The figure size as a pair of positive floats, (width, height) in inches."""
    if (isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__")
            or len(figsize) != 2):
        raise TypeError(f"`{name}` must be a pair (width, height) in inches, "
                        f"got {figsize!r}.")
    return tuple(check_positive(v, f"{name}[{i}]") for i, v in enumerate(figsize))


def _check_frames(frames, name, shape):
    """The frames as a list: one PNG image per grid point."""
    if isinstance(frames, (bytes, str)) or not hasattr(frames, "__len__"):
        raise TypeError(f"`{name}` must be a list of PNG images (bytes), "
                        f"got {type(frames).__name__}.")
    frames = list(frames)
    if len(frames) != math.prod(shape):
        sizes = " x ".join(map(str, shape))
        raise ValueError(f"`{name}` must hold one image per grid point, {sizes} = "
                         f"{math.prod(shape)}, got {len(frames)}.")
    for i, frame in enumerate(frames):
        if not isinstance(frame, bytes) or not frame.startswith(_PNG_SIGNATURE):
            not_png = " that is not a PNG" if isinstance(frame, bytes) else ""
            raise TypeError(f"`{name}[{i}]` must be a PNG image as bytes, "
                            f"got {type(frame).__name__}{not_png}.")
        if frame[12:16] != b"IHDR" or min(_png_size(frame)) < 1:
            raise ValueError(f"`{name}[{i}]` must be a whole PNG image of at least "
                             f"1 x 1 pixels, got {len(frame)} bytes without a valid "
                             f"header (IHDR). Is the file truncated?")
    return frames


def _check_max_width(max_width):
    """``phone_max_width``: None, or a whole number of CSS pixels >= 1."""
    if max_width is None:
        return None
    return check_int(max_width, "phone_max_width", minimum=1)


def _takes_layout(draw):
    """Whether ``draw`` has a parameter named ``layout`` (see :func:`flipbook`)."""
    try:
        parameters = inspect.signature(draw).parameters
    except (TypeError, ValueError):  # some built-ins have no signature
        return False
    parameter = parameters.get("layout")
    return parameter is not None and parameter.kind in (
        parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)


def _check_display(alt, caption, interval):
    """Return ``(alt, caption, interval)``: alt stripped, interval an int >= 1."""
    if not isinstance(alt, str):
        raise TypeError(f"`alt` must be a string describing the figure for readers "
                        f"who cannot see it, e.g. 'Sigmoid of w·x', "
                        f"got {type(alt).__name__} {alt!r}.")
    if not alt.strip():
        raise ValueError("`alt` must describe the figure for readers who cannot see "
                         f"it, e.g. 'Sigmoid of w·x', got the empty text {alt!r}.")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"`caption` must be a string or None, "
                        f"got {type(caption).__name__} {caption!r}.")
    return alt.strip(), caption, check_int(interval, "interval", minimum=1)


def _no_phone_options(options, verb, missing, remedy):
    """Raise if any of ``options`` (name -> value) is set although there are no phone
    frames: the argument ``missing`` that would give them is absent."""
    for name, value in options.items():
        if value is not None:
            raise ValueError(f"`{name}` {verb} the phone frames, and there are none: "
                             f"got {name}={value!r} without `{missing}`. {remedy}")
