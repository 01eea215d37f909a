"""An explorer's parameters: its defaults updated with the caller's, or a clear error.

Shared by :class:`~nnlearn.explore.explorer.Explorer` and the headless playground
engine, which must not import the widget module.
"""

__all__ = ["merged_params"]


def merged_params(owner, defaults, params):
    """``{**defaults, **params}``; a TypeError names any parameter ``owner`` lacks."""
    unknown = set(params) - set(defaults)
    if unknown:
        raise TypeError(f"{owner} has no parameter(s) {sorted(unknown)}; its "
                        f"parameters are {sorted(defaults)}.")
    return {**defaults, **params}
