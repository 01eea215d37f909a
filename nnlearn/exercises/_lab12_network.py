"""Lab 12, question 4: the line along which each first-layer neuron changes sign,
checked against the playground's network view.

A first-layer tanh neuron with weights w (a column of W) and bias b outputs
tanh(w · x/6 + b) at the point x of the square [-6, 6]²: its tile in the network view
is split by one straight line into a blue part (positive) and an orange part. The
learner's ``boundary_lines(W, b)`` returns each line as a unit normal n, pointing to the
blue side, and an offset d, the line being n · x = d.

The answer is compared with the reference on listed layers, on layers drawn afresh for
every check, and on the first layers of three trained playgrounds (``xor``, two hidden
layers of 8, seeds 0, 1, 2, 300 epochs; trained once, at the first check); on those, its
lines must also split every first-layer tile of the network view (``neuron_maps``) into
its blue and orange parts. A wrong answer gets a catalogued mistake's feedback, or is
told that its lines are right but scaled or turned to the orange side, or is shown a
tile and a point of it that its line puts on the wrong side, to look at in the widget.
"""

import numpy as np

from ._function_question import FunctionQuestion, Mistake
from ._lab12_answers import (_lines_b_over_6, _lines_feature_units, _lines_matrix_norm,
                             _lines_offset_sign, _lines_offset_unnormalised,
                             _lines_orange_side, _lines_rows, _lines_squared_norm,
                             _lines_swapped_components, _lines_unnormalised,
                             _lines_x2_downwards, boundary_lines)
from ._question import Incorrect

__all__ = ["q4", "boundary_lines"]

_rng = np.random.default_rng(1204)

# -- the layers: W (2, n_neurons), one column per neuron, and b (n_neurons,) ----------
# The first layer of the question's playground (xor, hidden (8, 8), seed 0) after 300
# epochs, rounded: the second neuron's weights are tiny, so its tile is nearly white.
_W_TRAINED = np.array([[0.89, -0.01, 1.8, 1.95, -1.64, -0.73, 0.57, -2.08],
                       [0.28, 0.03, -2.2, -1.82, -1.47, 0.82, 1.2, -2.18]])
_B_TRAINED = np.array([-0.18, 0.04, 1.06, -0.96, -0.74, 0.31, 0.17, 1.12])
_LINES_CASES = [
    (_W_TRAINED, _B_TRAINED),
    # a vertical line, a horizontal one, two diagonals; two through the centre (b = 0)
    (np.array([[1.0, 0.0, 2.0, -0.5], [0.0, -3.0, 2.0, 0.5]]),
     np.array([0.5, 0.0, -1.0, 0.0])),
    # one neuron, whose line misses the square
    (np.array([[0.3], [-0.4]]), np.array([2.0])),
    # as many neurons as inputs
    (np.array([[1.5, -0.2], [0.5, 0.9]]), np.array([-0.3, 0.6])),
    (_rng.normal(0, 2.0, (2, 5)), _rng.normal(0, 1.0, 5)),
]


def _draw_layer(rng):
    """A first layer of 1 to 9 neurons, weights of any scale (a few exactly 0), biases
    sometimes 0; every neuron has a nonzero weight, so that it has a line."""
    n = int(rng.integers(1, 10))
    W = rng.normal(0, float(rng.choice([0.05, 1.0, 4.0])), (2, n))
    W[rng.random((2, n)) < 0.1] = 0.0
    W[0, np.all(W == 0, axis=0)] = 1.0
    return W, rng.normal(0, 1.5, n) * (rng.random(n) > 0.15)


# -- the trained playgrounds and their network view ------------------------------------
_SEEDS = (0, 1, 2)
_HIDDEN = (8, 8)
_EPOCHS = 300
_MARGIN = 0.05  # grid points nearer than this to a line (in units of x) are not judged
# (seed, W, b, tiles (3600, n_neurons), points (3600, 2)), built at the first check
_TRAINED = []


def _trained_layers():
    """The first layer of each trained playground, its tiles in the network view (one
    column per neuron) and the grid points x of the tiles, in the same order."""
    if not _TRAINED:
        from nnlearn.explore.playground import Playground, link_weights, neuron_maps

        built = []
        for seed in _SEEDS:
            pg = Playground(dataset="xor", hidden=_HIDDEN, seed=seed)
            pg.run_epochs(_EPOCHS)
            W = np.array(link_weights(pg)[0])
            b = np.array(pg.model.layers[0].params["b"])
            tiles = neuron_maps(pg, step=1)[1]                 # (n_neurons, 60, 60)
            points = 6 * np.asarray(pg.F_grid)[:, :2]          # features x/6 -> x
            built.append((seed, W, b, tiles.reshape(len(tiles), -1).T, points))
        _TRAINED[:] = built
    return _TRAINED


def _misplaced(normals, offsets, tiles, points):
    """``(neuron, point, side)`` for the grid point whose tile value most clearly
    contradicts the side of the learner's line it lies on (+1 the normal's side), or
    None when every line splits its tile."""
    n, d = np.asarray(normals, dtype=float), np.asarray(offsets, dtype=float)
    with np.errstate(all="ignore"):
        side = (points @ n.T - d) / np.linalg.norm(n, axis=1)   # signed distances
        wrong = (np.abs(side) > _MARGIN) & (np.sign(side) != np.sign(tiles))
    if not wrong.any():
        return None
    clearest = np.argmax(np.where(wrong, np.abs(tiles), -1.0))
    i, j = np.unravel_index(clearest, wrong.shape)
    return j, i, np.sign(side[i, j])


def _playground(seed):
    where = ("this question's playground" if seed == 0 else
             f"set `seed` to {seed} in this question's playground and train it")
    return (f'Playground(dataset="xor", hidden={_HIDDEN}, seed={seed}) after {_EPOCHS} '
            f"epochs ({where})")


def _tile_message(seed, neuron, point, side, value):
    name = f"hidden 1, neuron {neuron + 1}"
    colour = "blue" if value > 0 else "orange"
    where = "blue side (n · x > d)" if side > 0 else "orange side (n · x < d)"
    x = f"({point[0]:.1f}, {point[1]:.1f})"
    return (f"Your lines do not split the network view's tiles. In "
            f"{_playground(seed)}, your line of {name} puts x = {x} on its "
            f"{where}, but the neuron outputs {value:+.2g} there: its tile is {colour} "
            f'at that point. Select "{name}" in "map shows" to see the tile large, '
            "then compare your line with it: how far does it pass from the centre, and "
            "which side does your normal point to?")


def _explain_tiles(outputs):
    """Incorrect naming a tile of a trained playground and a point of it that the
    learner's line puts on the wrong side, if any; ``outputs``: the learner's
    (normals, offsets) for each trained playground's first layer."""
    for (seed, _, _, tiles, points), (normals, offsets) in zip(_trained_layers(),
                                                               outputs):
        found = _misplaced(normals, offsets, tiles, points)
        if found is not None:
            neuron, i, side = found
            raise Incorrect(_tile_message(seed, neuron, points[i], side,
                                          tiles[i, neuron]))


class _LinesQuestion(FunctionQuestion):
    """Also judged on trained playgrounds, whose tiles the lines must split; a mismatch
    is explained in terms of lines (right but scaled, turned) and of tiles."""

    _trained_cases = ()

    def _cases(self):
        if not self._trained_cases:
            self._trained_cases = [((W, b), self._reference_run(self.reference, (W, b)))
                                   for _, W, b, _, _ in _trained_layers()]
        return super()._cases() + list(self._trained_cases)

    def _judge_function(self, answer):
        super()._judge_function(answer)      # the values, on every case ...
        # ... and its lines split the tiles of the trained playgrounds' network view
        _explain_tiles([self._call(answer, (W, b))[0]
                        for _, W, b, _, _ in _trained_layers()])

    def _explain_mismatch(self, cases, outputs, mismatches):
        shapes = [tuple(np.shape(e) for e in expected) for _, (expected, _) in cases]
        got = [tuple(np.shape(g) for g in out) for out in outputs]
        if any(g[0] == e[0][::-1] != e[0] for g, e in zip(got, shapes)):
            raise Incorrect("Your normals have shape (2, n_neurons), one column per "
                            "neuron as in W; return one row per neuron, shape "
                            "(n_neurons, 2): transpose them, e.g. (W / norms).T.")
        if got == shapes:
            self._explain_lines(cases, outputs)
            _explain_tiles(outputs[len(outputs) - len(self._trained_cases):])
        super()._explain_mismatch(cases, outputs, mismatches)

    @staticmethod
    def _explain_lines(cases, outputs):
        """Incorrect when every line is the right one, but described with normals that
        are not of length 1, or that point to the orange side."""
        same = flipped = 0
        for (_, ((n_ref, d_ref), _)), (normals, offsets) in zip(cases, outputs):
            n, d = np.asarray(normals, dtype=float), np.asarray(offsets, dtype=float)
            length = np.linalg.norm(n, axis=1)
            if not (np.all(np.isfinite(length) & (length > 0))
                    and np.all(np.isfinite(d))):
                return
            n, d = n / length[:, None], d / length

            def close(a, b):
                return np.isclose(a, b, rtol=1e-6, atol=1e-9)

            right = np.all(close(n, n_ref), axis=1) & close(d, d_ref)
            turned = np.all(close(n, -n_ref), axis=1) & close(d, -d_ref)
            if not np.all(right | turned):
                return
            same += int(right.sum())
            flipped += int((turned & ~right).sum())
        if flipped:
            some = ("every neuron" if not same else
                    f"some neurons ({flipped} of the {same + flipped} checked)")
            raise Incorrect(f"Your lines are in the right places, but for {some} the "
                            "normal points to the orange side, where the neuron is "
                            "negative. n must point to where w · x/6 + b > 0, the blue "
                            "side: n = w/|w|, and then d = −6b/|w|.")
        raise Incorrect("Your lines are the right ones, each with the right side, but "
                        "your normals are not of length 1, so d is not the line's "
                        "distance from the centre: divide w and −6b by |w| = "
                        "np.linalg.norm(W, axis=0), the length of each neuron's "
                        "column.")


q4 = _LinesQuestion(
    "Lab 12, question 4 (the lines of the first layer)", boundary_lines, _LINES_CASES,
    n_outputs=2, output_names=("array of normals", "array of offsets"),
    returns="the normals (n_neurons, 2) and the offsets (n_neurons,)", draw=_draw_layer,
    nan_message="A vertical line (w2 = 0) has no slope: x2 = m·x1 + c cannot describe "
                "it. Write each line as n · x = d, with the unit normal n = w/|w| and "
                "d = −6b/|w|: they exist for every neuron whose weights are not both "
                "0.",
    in_place_message="Your function changed W or b in place (e.g. `W /= norms`), and "
                     "with them the playground's weights; compute new arrays instead: "
                     "`W / norms`.",
    mistakes=[
        Mistake("Your offsets are 6 times too small: that is the line in the features "
                "(x1/6, x2/6), but the tiles show the plane, x in [−6, 6]². The neuron "
                "is 0 where w · x/6 + b = 0, that is w · x = −6b: d = −6b/|w|.",
                _lines_feature_units),
        Mistake("Your offsets are 36 times too small: w · x/6 + b = 0 multiplied by 6 "
                "is w · x = −6b (not −b/6), so d = −6b/|w|.", _lines_b_over_6),
        Mistake("Your offsets have the wrong sign: w · x/6 + b = 0 gives w · x = −6b, "
                "so d = −6b/|w|. A neuron with b > 0 is positive (blue) at the centre "
                "of its tile, so the centre lies on the normal's side: n · 0 > d, d < "
                "0.",
                _lines_offset_sign),
        Mistake("Your lines are in the right places, but your normals point to the "
                "orange side, where the neuron is negative: n = w/|w| points to where "
                "w · x/6 + b grows, the blue side, and then d = "
                "−6b/|w|.", _lines_orange_side),
        Mistake("Your lines are right, but n must have length 1, so that d is the "
                "line's signed distance from the centre: divide w and −6b by |w| = "
                "np.linalg.norm(W, axis=0).", _lines_unnormalised),
        Mistake("Your normals are right, but the offsets are not divided by |w|: n · x "
                "= d with n = w/|w| is w · x = d·|w|, so d = −6b/|w|.",
                _lines_offset_unnormalised),
        Mistake("Your offsets are divided by |w|²: −6b·w/|w|² is the point of the line "
                "nearest the centre, but its signed distance along n = w/|w| is "
                "−6b/|w|.",
                _lines_squared_norm),
        Mistake("np.linalg.norm(W) is one number for the whole matrix; each neuron has "
                "its own |w|, the length of its column: np.linalg.norm(W, axis=0).",
                _lines_matrix_norm),
        Mistake("W has one column per neuron (shape (2, n_neurons), as the "
                "playground's Dense layers store it): neuron j's weights are W[:, j], "
                "not the row W[j]. Take the norms along axis 0 and return the normals "
                "as rows, (W / norms).T.",
                _lines_rows),
        Mistake("Your normals have their components swapped: w1 = W[0, j] multiplies "
                "x1, the horizontal axis of a tile, and w2 = W[1, j] multiplies x2, "
                "the vertical one.", _lines_swapped_components),
        Mistake("The second components of your normals have the wrong sign: x2 grows "
                "upwards in a tile (row 0 of a map is its top edge, x2 = 6), as in the "
                "plane, so the normal is w/|w| = (w1, w2)/|w| as it stands.",
                _lines_x2_downwards),
    ],
    examples=[
        (lambda W, b: (W / np.linalg.norm(W, axis=0),
                       -6 * b / np.linalg.norm(W, axis=0)), "one row per neuron"),
        (lambda W, b: ((W / np.abs(W).sum(axis=0)).T, -6 * b / np.abs(W).sum(axis=0)),
         "not of length 1"),
        (lambda W, b: ((W / np.linalg.norm(W, axis=0)).T,
                       -6 * np.abs(b) / np.linalg.norm(W, axis=0)), "map shows"),
        (lambda W, b: ((-W * np.where(b < 0, 1, -1) / np.linalg.norm(W, axis=0)).T,
                       6 * b * np.where(b < 0, 1, -1) / np.linalg.norm(W, axis=0)),
         "for some neurons"),
    ],
    hints=["Neuron j computes tanh(W[0, j]·x1/6 + W[1, j]·x2/6 + b[j]): its weights "
           "are the column w = W[:, j]. tanh(z) has the sign of z, so the neuron "
           "changes sign where w · x/6 + b = 0 and is positive (blue) where w · x/6 + "
           "b > 0.",
           "Multiply by 6: w · x = −6b. Dividing by |w| (np.linalg.norm(W, axis=0), "
           "one length per column) gives n · x = d with the unit normal n = w/|w|, "
           "which points to where w · x/6 + b grows: the blue side.",
           "norms = np.linalg.norm(W, axis=0); return (W / norms).T, -6 * b / norms"],
)
