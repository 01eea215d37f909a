"""The words of the backpropagation explorer: each stage's computation written out
with the numbers substituted, and that text broken into short lines for a phone.

Part of :mod:`nnlearn.explore.backprop`; the standard library only, no plotting, no
widgets.

* ``stage_text`` writes what a stage computes, on two or three lines, from a result
  of ``BackpropExplorer.update``;
* ``phone_lines`` breaks such a text for the phone's layout, one equation a line,
  before an "=" sign where an equation is still too long;
* ``sub`` writes digits as Unicode subscripts (the notes' indices).
"""

import re
import textwrap

__all__ = ["stage_text", "phone_lines", "sub"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(text):
    """``text`` (any object, as a string) with its digits written as subscripts."""
    return str(text).translate(_SUB)


def stage_text(r, stage):
    """The current stage's computation, with the numbers substituted
    (two or three lines)."""
    f = lambda value: f"{value:.3f}"                                       # noqa: E731
    p = lambda value: f"({value:.3f})" if value < 0 else f"{value:.3f}"    # noqa: E731
    x, W1, b1, W2, b2 = r["x"], r["W1"], r["b1"], r["W2"], r["b2"]
    linear = r["output"] == "linear"
    if stage == 0:
        return (f"Inputs x₁₁ = {f(x[0])}, x₁₂ = {f(x[1])}; "
                f"target y = {f(r['y'])}.\n"
                f"Hidden units are sigmoids, the output is {r['output']}; "
                f"the loss is L = (ŷ − y)².")
    if stage == 1:
        return "\n".join(
            f"O₁{sub(j + 1)} = {p(x[0])}·{p(W1[0, j])} + "
            f"{p(x[1])}·{p(W1[1, j])} + {p(b1[j])} = {f(r['O1'][j])},   "
            f"a₁{sub(j + 1)} = σ(O₁{sub(j + 1)}) = {f(r['A1'][j])}"
            for j in range(2))
    if stage == 2:
        return (f"O₂₁ = {p(W2[0, 0])}·{p(r['A1'][0])} + "
                f"{p(W2[1, 0])}·{p(r['A1'][1])} + {p(b2[0])} = {f(r['O21'])},   "
                f"ŷ = {'O₂₁' if linear else 'σ(O₂₁)'} = {f(r['y_hat'])}\n"
                f"L = (ŷ − y)² = ({f(r['y_hat'])} − {f(r['y'])})² = "
                f"{r['loss']:.4f}")
    if stage == 3:
        f_prime = "1" if linear else f(r["y_hat"] * (1.0 - r["y_hat"]))
        return (f"∂L/∂ŷ = 2(ŷ − y) = 2·{p(r['y_hat'] - r['y'])} = "
                f"{f(r['dL_dyhat'])}\n"
                f"δ₂₁ = ∂L/∂O₂₁ = ∂L/∂ŷ·f'(O₂₁) = "
                f"{p(r['dL_dyhat'])}·{f_prime} = {f(r['delta2'])}")
    if stage == 4:
        d = p(r["delta2"])
        return "\n".join([f"∂L/∂w²{sub(j + 1)}₁ = "
                          f"δ₂₁·a₁{sub(j + 1)} = {d}·{p(r['A1'][j])} = "
                          f"{f(r['grad_W2'][j, 0])}"
                          for j in range(2)]
                         + [f"∂L/∂b₂₁ = δ₂₁ = {f(r['grad_b2'][0])}"])
    if stage == 5:
        d = p(r["delta2"])
        return "\n".join(
            f"∂L/∂a₁{sub(j + 1)} = δ₂₁·w²{sub(j + 1)}₁ = "
            f"{d}·{p(W2[j, 0])} = {f(r['dL_dA1'][j])},   "
            f"δ₁{sub(j + 1)} = ∂L/∂a₁{sub(j + 1)}·σ'(O₁{sub(j + 1)}) = "
            f"{p(r['dL_dA1'][j])}·{f(r['sigma_prime'][j])} = {f(r['delta1'][j])}"
            for j in range(2))
    if stage == 6:
        return "\n".join(
            "   ".join(f"∂L/∂w¹{sub(f'{i + 1}{j + 1}')} = "
                       f"δ₁{sub(j + 1)}·x₁{sub(i + 1)} = "
                       f"{f(r['grad_W1'][i, j])}" for i in range(2))
            + f"   ∂L/∂b₁{sub(j + 1)} = δ₁{sub(j + 1)} = "
              f"{f(r['grad_b1'][j])}"
            for j in range(2))
    if stage == 7:
        return ("\n".join(
            f"∂L/∂x₁{sub(i + 1)} = "
            f"δ₁₁·w¹{sub(f'{i + 1}1')} + δ₁₂·w¹{sub(f'{i + 1}2')} = "
            f"{p(r['delta1'][0])}·{p(W1[i, 0])} + "
            f"{p(r['delta1'][1])}·{p(W1[i, 1])} = {f(r['dL_dx'][i])}"
            for i in range(2))
            + "\n(each input feeds both hidden units: "
            "the gradients of the two paths add)")
    before, after = r["loss"], r["loss_new"]
    change = ("falls" if after < before else "rises" if after > before else "stays")
    verdict = ": the step was too large" if after > before else ""
    return (f"w ← w − η ∂L/∂w with η = {r['lr']:.2f} for all 9 weights and "
            f"biases (new values after →);\n"
            f"the loss {change} from {before:.4f} to {after:.4f}{verdict}")


def phone_lines(text, width=46):
    """A stage's text for the phone: one equation a line, none over ``width`` long.

    The desktop text separates equations by three spaces; a longer equation is
    broken before one of its "=" signs, other long text between words.

    >>> print(phone_lines("a = 1 + 2 = 3,   b = 4", width=9))
    a = 1 + 2
        = 3
    b = 4
    """
    lines = []
    for line in text.split("\n"):
        for equation in re.split(r",?   +", line):
            lines += _break_equation(equation.strip(), width)
    return "\n".join(lines)


def _break_equation(equation, width):
    if len(equation) <= width:
        return [equation]
    head, equals, rest = equation.partition(" = ")
    if equals and " " not in head:       # "symbol = ... = ...": break before an "="
        lines = [head]
        for part in rest.split(" = "):
            if len(lines[-1]) + 3 + len(part) <= width:
                lines[-1] += " = " + part
            else:
                lines.append("    = " + part)
        if all(len(line) <= width for line in lines):
            return lines
    return textwrap.wrap(equation, width, subsequent_indent="    ",
                         break_on_hyphens=False)
