"""Self-checking exercises for the labs, one module per chapter.

In a lab::

    from nnlearn.exercises import lab03 as ex

    def sigmoid(z):
        ...                      # the learner's code

    ex.q1.check(sigmoid)         # "correct", "not attempted", or what went wrong
    ex.q1.hint()                 # hints, one at a time, from gentle to explicit
    ex.q1.solution()             # the reference solution

Every check runs offline.  Each question is a :class:`Question`; most are
:class:`FunctionQuestion` objects that compare the learner's function with a
reference on inputs that exercise the task — extreme values where stability
is part of it, every argument varied, edge cases, and a few inputs drawn
afresh for every check — and recognise typical wrong answers (a flipped
sign, a missing average, transposed shapes, an overflow, even one hidden by
``np.errstate``) to say what the mistake is.  ``ex.q1.grade(answer)`` raises
``AssertionError`` with the same feedback unless the answer is correct: the
labs' nbgrader autograder cells call it.

The lab modules are imported on demand (``from nnlearn.exercises import
lab05``); importing this package loads none of them.
"""

from ._function_question import FunctionQuestion, Mistake
from ._question import CORRECT, INCORRECT, NOT_ATTEMPTED, ExpectationError, Incorrect, Question, Result

__all__ = ["Question", "FunctionQuestion", "Mistake", "Result", "Incorrect", "ExpectationError",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED"]
