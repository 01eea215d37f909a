"""Answers a learner might give, per lab, written independently of the labs' own lists of mistakes.

Each ``labNN.py`` defines

* ``WRONG``: ``(question, answer, fragment)`` triples — a plausible wrong answer to ``ex.<question>`` and a
  fragment of the feedback it must get (or None where any "incorrect" with a message will do);
* ``RIGHT``: ``(question, answer)`` pairs — unusual but correct answers, which must be accepted.

``tests/test_exercise_answers.py`` runs them all.
"""
