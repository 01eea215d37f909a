r"""A tiny scalar reverse-mode automatic differentiation engine, to see backpropagation
at work.

Each :class:`Value` holds a number, the gradient of the final result with
respect to it, and how it was computed: which values it came from and by
what operation.  Arithmetic on values builds this *computational graph* as
it goes.  :meth:`Value.backward` then walks the graph from the result back to
the inputs, in reverse topological order, applying the chain rule at every
node: a node's gradient is passed to each input multiplied by the local
derivative of the operation,

.. math:: \frac{\partial L}{\partial u} \mathrel{+}=
          \frac{\partial L}{\partial v}\,\frac{\partial v}{\partial u}
          \quad\text{for every node } v \text{ that uses } u.

The ``+=`` matters: a value used twice (like ``a`` in ``a * a``) collects a
gradient from each use.  This is backpropagation (Rumelhart, Hinton &
Williams, 1986) one scalar at a time — the same numbers the layers of
:mod:`nnlearn.layers` compute a matrix at a time, far more slowly.  It
follows Karpathy's *micrograd* in size and spirit.

Examples
--------
>>> x, w, b = Value(2.0), Value(-3.0), Value(1.0)
>>> y = (w * x + b).tanh()
>>> y.backward()
>>> round(w.grad, 6), round(x.grad, 6)   # dy/dw = x (1 - y^2), dy/dx = w (1 - y^2)
(0.000363, -0.000545)
"""

import math
import numbers
import sys

__all__ = ["Value"]


class Value:
    """A scalar in a computational graph, with its gradient.

    Parameters
    ----------
    data : float
        The number.
    label : str, optional
        A name, for displaying graphs.

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        :math:`\\partial L/\\partial` this value after ``L.backward()``; 0 before.
    parents : tuple of Value
        The values this one was computed from (empty for inputs and parameters).
    op : str
        The operation that produced it (``"+"``, ``"*"``, ``"tanh"``, ...; ``""`` for
        leaves).
    """

    __slots__ = ("data", "grad", "parents", "op", "label", "_backward")

    def __init__(self, data, label="", *, _parents=(), _op=""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError("`data` must be a real number, got "
                            f"{type(data).__name__} {data!r}.")
        data = float(data)
        if not math.isfinite(data):
            if _op:  # an operation overflowed: name it and its inputs
                inputs = ", ".join(f"{p.data:.6g}" for p in _parents)
                raise OverflowValueError(f"the operation {_op!r} on {inputs} "
                                         f"overflowed to {data}; a graph of Values "
                                         "must stay finite. "
                                         "Hint: scale the inputs down.")
            raise ValueError(f"`data` must be a finite number, got {data!r}. Hint: a "
                             "gradient through inf or NaN is meaningless; check where "
                             "the number came from.")
        self.data = data
        self.grad = 0.0
        self.parents = tuple(_parents)
        self.op = _op
        self.label = label
        self._backward = lambda: None  # passes self.grad on to the parents

    # -- arithmetic: each operation records its local derivatives ----------------------

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, _parents=(self, other), _op="+")

        def backward():  # d(a + b)/da = d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, _parents=(self, other), _op="*")

        def backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError("`exponent` must be a constant real number, got "
                            f"{type(exponent).__name__}.")
        if not math.isfinite(exponent):
            raise ValueError(f"`exponent` must be a finite number, got {exponent!r}.")
        a = self.data
        if a == 0 and exponent < 0:
            raise ZeroDivisionValueError(f"0 ** {exponent:g} is a division by zero: a "
                                         "negative power of a Value whose data is 0 is "
                                         "undefined (this is also how a / b divides).")
        if a < 0 and not float(exponent).is_integer():
            raise ValueError(f"({a:g}) ** {exponent:g} is not a real number: a "
                             "negative base needs an integer exponent. Hint: use abs() "
                             "first, or an integer power.")
        try:
            result = a ** exponent
        except OverflowError:
            result = math.inf
        out = Value(result, _parents=(self,), _op=f"**{exponent:g}")

        def backward():  # d(a^k)/da = k a^(k-1)
            if a == 0 and exponent < 1 and exponent != 0:
                raise ZeroDivisionValueError(f"the derivative of a ** {exponent:g} at "
                                             "a = 0 is infinite "
                                             f"({exponent:g} * 0 ** {exponent - 1:g}); "
                                             "move the input away from 0.")
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = backward
        return out

    def exp(self):
        """:math:`e^a`, with derivative :math:`e^a`."""
        if self.data > _EXP_MAX:
            raise OverflowValueError(f"exp({self.data:g}) overflows: e^a is finite "
                                     f"only for a <= {_EXP_MAX:.6g}. "
                                     "Hint: for a softmax or a log-sum-exp, subtract "
                                     "the largest input first.")
        out = Value(math.exp(self.data), _parents=(self,), _op="exp")

        def backward():
            self.grad += out.data * out.grad
        out._backward = backward
        return out

    def log(self):
        """:math:`\\ln a` (for :math:`a > 0`), with derivative :math:`1/a`."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data}.")
        out = Value(math.log(self.data), _parents=(self,), _op="log")

        def backward():
            self.grad += out.grad / self.data
        out._backward = backward
        return out

    def tanh(self):
        """:math:`\\tanh a`, with derivative :math:`1 - \\tanh^2 a`."""
        out = Value(math.tanh(self.data), _parents=(self,), _op="tanh")

        def backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = backward
        return out

    def sigmoid(self):
        """:math:`\\sigma(a) = 1/(1 + e^{-a})`, with derivative
        :math:`\\sigma(a)(1 - \\sigma(a))`."""
        a = self.data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        out = Value(s, _parents=(self,), _op="sigmoid")

        def backward():
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = backward
        return out

    def relu(self):
        """:math:`\\max(0, a)`, with derivative 1 for :math:`a > 0` and 0 otherwise."""
        out = Value(max(self.data, 0.0), _parents=(self,), _op="relu")

        def backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = backward
        return out

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        other = _as_value(other)
        if other.data == 0:
            raise ZeroDivisionValueError(f"division by zero: {self.data:g} / "
                                         f"{other.data:g}; the divisor's data is 0.")
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # -- the backward pass -------------------------------------------------------------

    def backward(self):
        """Set ``grad`` of every value this one depends on to
        :math:`\\partial(\\text{self})/\\partial(\\text{value})`.

        Gradients are reset to 0 first, then this value's gradient is set to 1
        (:math:`\\partial L/\\partial L`) and every node, visited after all the
        nodes that use it, passes its gradient to its parents.
        """
        order = self.graph()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def graph(self):
        """All values this one depends on, itself last, in topological order.

        Inputs come before the nodes that use them.
        """
        order, seen = [], set()
        stack = [(self, False)]
        # an iterative depth-first search, so deep graphs do not hit the recursion limit
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent in node.parents
                             if id(parent) not in seen)
        return order

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


class ZeroDivisionValueError(ZeroDivisionError, ValueError):
    """Division by zero in a graph: both a ``ZeroDivisionError`` (as in Python) and a
    ``ValueError``."""


class OverflowValueError(OverflowError, ValueError):
    """A result too large for a float: both an ``OverflowError`` (as in Python) and a
    ``ValueError``."""


#: The largest a with a finite e^a in float64 (ln of the largest float).
_EXP_MAX = math.log(sys.float_info.max)


def _as_value(x):
    return x if isinstance(x, Value) else Value(x)
