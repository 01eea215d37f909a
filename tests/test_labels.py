"""Labels: one-hot encoding and decoding, label checks and their error messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlearn.labels import check_labels, from_one_hot, one_hot


def test_one_hot_puts_a_single_one_in_the_labelled_column():
    Y = one_hot(np.array([2, 0, 1, 2]))
    assert Y.shape == (4, 3) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])


def test_one_hot_with_explicit_n_classes_and_dtype():
    Y = one_hot([0, 1], n_classes=4, dtype=np.float32)
    assert Y.shape == (2, 4) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[1, 0, 0, 0], [0, 1, 0, 0]])


def test_one_hot_accepts_integer_valued_floats_and_booleans():
    np.testing.assert_array_equal(one_hot([0.0, 1.0]), one_hot([0, 1]))
    np.testing.assert_array_equal(one_hot(np.array([False, True])), [[1, 0], [0, 1]])


def test_one_hot_of_no_labels_with_n_classes():
    assert one_hot(np.array([], dtype=int), n_classes=3).shape == (0, 3)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_from_one_hot_inverts_one_hot(labels):
    y = np.array(labels)
    Y = one_hot(y, n_classes=10)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    out = from_one_hot(Y)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, y)


def test_from_one_hot_takes_the_argmax_of_probabilities():
    P = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_array_equal(from_one_hot(P), [1, 0, 2])


def test_check_labels_returns_int64():
    y = check_labels([1.0, 0.0, 3.0], n_classes=4)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, [1, 0, 3])


def test_one_hot_rejects_one_hot_input_with_a_hint():
    with pytest.raises(ValueError, match=r"`labels` must be a 1-D array.*shape \(2, 3\).*from_one_hot"):
        one_hot(np.eye(3)[:2])


def test_one_hot_rejects_a_column_of_labels_with_a_hint():
    with pytest.raises(ValueError, match=r"labels.ravel\(\)"):
        one_hot(np.array([[0], [1]]))


def test_one_hot_rejects_non_integer_labels():
    with pytest.raises(ValueError, match=r"integer class labels, got the non-integer value 1.5 at index 1"):
        one_hot([0.0, 1.5])


def test_one_hot_rejects_negative_labels():
    with pytest.raises(ValueError, match=r"non-negative class labels.*got -1 at index 2"):
        one_hot([0, 1, -1])


def test_one_hot_names_a_label_too_large_for_n_classes():
    with pytest.raises(ValueError, match=r"labels in \[0, 3\) for n_classes=3, got the label 5 at index 1"):
        one_hot([0, 5, 1], n_classes=3)


def test_one_hot_rejects_bad_arguments():
    with pytest.raises(ValueError, match="cannot be inferred; pass n_classes"):
        one_hot(np.array([], dtype=int))
    with pytest.raises(ValueError, match="`n_classes` must be an integer >= 1"):
        one_hot([0], n_classes=0)
    with pytest.raises(TypeError, match="`n_classes` must be an integer"):
        one_hot([0], n_classes=2.0)
    with pytest.raises(ValueError, match="`dtype` must be float32 or float64"):
        one_hot([0], dtype=np.int64)
    with pytest.raises(TypeError, match="`labels` must contain real numbers"):
        one_hot(["a", "b"])
    with pytest.raises(ValueError, match="`labels` must contain only finite numbers"):
        one_hot([0.0, np.nan])


def test_from_one_hot_rejects_1d_input_with_a_hint():
    with pytest.raises(ValueError, match=r"`Y` must be a 2-D array of shape \(n_samples, n_classes\).*one_hot\(Y\)"):
        from_one_hot([0, 1, 2])


def test_from_one_hot_rejects_zero_columns():
    with pytest.raises(ValueError, match="at least one column"):
        from_one_hot(np.zeros((3, 0)))
