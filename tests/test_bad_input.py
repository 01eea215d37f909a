"""Every bad input a clear error (issue 13): each class of bad input, with examples of our own.

Sections: construction, activations and losses; fit / evaluate, EarlyStopping and divergence;
persistence and the smaller modules; exercise checks. Every bad input gets a ``ValueError`` or
``TypeError`` that names the argument the user wrote ("`name` must be ..., got ..." plus a hint), never
a silent NaN, broadcast or reshape; valid input keeps giving exactly the numbers it gave before. An
exercise check never raises on what a learner passes or returns: it answers "incorrect" and says what
was wrong.
"""

import importlib
import inspect
import io
import json
import math
import pkgutil
import struct
import warnings
import zipfile

from hypothesis.extra.numpy import arrays
from hypothesis import given, settings
from hypothesis import strategies as st
import numpy as np
import pytest
from sklearn.datasets import make_moons

import nnlearn
from nnlearn._validation import MAX_LAYER_PARAMS
from nnlearn.activations import ACTIVATIONS, Sigmoid
from nnlearn.autograd import Value
from nnlearn.cluster import KMeans, kmeans_plusplus
from nnlearn.conv import Conv2D, Flatten, MaxPool2D
from nnlearn.datasets import fruit, function_samples, spirals
import nnlearn.exercises as exercises
from nnlearn.exercises import CORRECT, FunctionQuestion, INCORRECT, Incorrect, Question, lab02
from nnlearn.gradcheck import check_gradients, numerical_gradient
from nnlearn.layers import Activation, Dense, Dropout, Layer
from nnlearn.losses import LOSSES
from nnlearn.losses import _get as get_loss_as
from nnlearn.losses import get as get_loss
from nnlearn.optim import AdaGrad, Adam, RMSprop, SGD
from nnlearn.perceptron import Perceptron
from nnlearn.persistence import load, save
from nnlearn.recurrent import SimpleRNN
from nnlearn.training import DivergenceError, EarlyStopping, evaluate, fit
from nnlearn import Activation, Dense, Dropout, MLP, Sequential, init, metrics, surfaces
from nnlearn import activations as act


# ---- Construction, activations and losses --------------------------------------------------------

finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


# -- Construction: Sequential checks its layers ---------------------------------------------------------------

def test_mismatched_widths_name_both_layers_and_sizes():
    with pytest.raises(ValueError, match=r"`layers` must have matching widths: layers\[0\] Dense\(2, 3\) outputs 3 "
                                         r"features but layers\[1\] Dense\(4, 1\) expects 4"):
        Sequential([Dense(2, 3), Dense(4, 1)])


def test_width_check_looks_through_activation_and_dropout():
    with pytest.raises(ValueError, match=r"layers\[0\] Dense\(2, 5\) outputs 5 .* layers\[3\] Dense\(4, 1\) expects 4"):
        Sequential([Dense(2, 5), Activation("relu"), Dropout(0.2), Dense(4, 1)])
    net = Sequential([Dense(2, 5), Activation("relu"), Dropout(0.2), Dense(5, 1), Activation("sigmoid")])
    assert net.forward(np.zeros((3, 2))).shape == (3, 1)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(1, 6))
def test_two_dense_layers_build_exactly_when_the_widths_match(a, b, c, d):
    if b == c:
        assert Sequential([Dense(a, b, rng=0), Dense(c, d, rng=1)]).forward(np.ones((2, a))).shape == (2, d)
    else:
        with pytest.raises(ValueError, match=rf"outputs {b} features but layers\[1\] Dense\({c}, {d}\) expects {c}"):
            Sequential([Dense(a, b, rng=0), Dense(c, d, rng=1)])


def test_width_check_for_convolution_and_recurrent_layers():
    with pytest.raises(ValueError, match=r"Conv2D\(1, 8, 3\) outputs 8 channels but layers\[3\] Conv2D\(4, 2, 3\)"):
        Sequential([Conv2D(1, 8, 3), Activation("relu"), MaxPool2D(2), Conv2D(4, 2, 3)])
    with pytest.raises(ValueError, match=r"Dense\(8, 2\) expects a 2-D input.*4-D.*Flatten\(\)"):
        Sequential([Conv2D(1, 8, 3), Dense(8, 2)])
    with pytest.raises(ValueError, match=r"SimpleRNN\(1, 16\) outputs 16 features but layers\[1\] Dense\(8, 1\)"):
        Sequential([SimpleRNN(1, 16), Dense(8, 1)])
    with pytest.raises(ValueError, match="return_sequences=False"):
        Sequential([SimpleRNN(1, 16, return_sequences=True), Dense(16, 1)])
    with pytest.raises(ValueError, match=r"SimpleRNN\(1, 4, return_sequences=True\) outputs 4 .* SimpleRNN\(5, 2\)"):
        Sequential([SimpleRNN(1, 4, return_sequences=True), SimpleRNN(5, 2)])
    # Valid stacks build and run; Flatten's width depends on the image, so the check skips it.
    conv = Sequential([Conv2D(1, 8, 3, rng=0), Activation("relu"), MaxPool2D(2), Flatten(), Dense(72, 10, rng=1)])
    assert conv.forward(np.zeros((2, 1, 8, 8))).shape == (2, 10)
    rnn = Sequential([SimpleRNN(1, 4, return_sequences=True, rng=0), SimpleRNN(4, 3, rng=1), Dense(3, 1, rng=2)])
    assert rnn.forward(np.zeros((2, 5, 1))).shape == (2, 1)


def test_layers_of_unknown_size_pass_the_check():
    class Double(Layer):  # a learner's own layer: its width is unknown to Sequential
        def _forward(self, X):
            self._out_shape = X.shape
            return 2 * X

        def _backward(self, grad_output, need_input_grad=True):
            return 2 * grad_output

    net = Sequential([Dense(2, 3, rng=0), Double(), Dense(3, 1, rng=1)])
    assert net.forward(np.ones((4, 2))).shape == (4, 1)


def test_the_same_layer_twice_is_refused():
    d = Dense(2, 2)
    with pytest.raises(ValueError, match=r"same layer object twice: layers\[0\] and layers\[2\] are one Dense\(2, 2\)"):
        Sequential([d, Activation("tanh"), d])
    a = Activation("relu")
    with pytest.raises(ValueError, match=r"layers\[1\] and layers\[3\].*weight sharing"):
        Sequential([Dense(2, 2), a, Dense(2, 2), a])
    # A layer may move on to a new network (the book reuses a trained layer this way).
    first = Sequential([Dense(2, 2, rng=0)])
    second = Sequential([first[0], Activation("tanh")])
    assert second.forward(np.ones((1, 2))).shape == (1, 2)


@pytest.mark.parametrize("layers, error, match", [
    (None, TypeError, r"`layers` must be a list of layers, got NoneType None"),
    (Dense(2, 3), TypeError, r"got a single layer Dense\(2, 3\).*Sequential\(\[Dense\(2, 3\)\]\)"),
    ("relu", TypeError, "`layers` must be a list of layers, got str"),
    (5, TypeError, "`layers` must be a list of layers, got int 5"),
    ([], ValueError, "at least one layer"),
    ([Dense], TypeError, r"`layers\[0\]` must be a Layer object, got the class Dense"),
    ([Dense(2, 2), "relu"], TypeError, r"`layers\[1\]` must be a Layer.*Activation\('relu'\)"),
    ([None], TypeError, r"`layers\[0\]` must be a Layer"),
])
def test_sequential_wants_a_list_of_layer_objects(layers, error, match):
    with pytest.raises(error, match=match):
        Sequential(layers)


def test_layers_given_as_separate_arguments_or_nested_networks():
    with pytest.raises(TypeError, match="one list of layers, got 2 positional arguments"):
        Sequential(Dense(2, 3), Dense(3, 1))
    inner = Sequential([Dense(2, 2)])
    with pytest.raises(TypeError, match=r"`layers\[0\]`.*networks do not nest"):
        Sequential([inner, Dense(2, 1)])
    with pytest.raises(TypeError, match=r"`layers` must be a list of layers, got a network"):
        Sequential(inner)
    assert len(Sequential(layer for layer in [Dense(2, 2), Activation("relu")])) == 2  # any iterable


@pytest.mark.parametrize("build, name", [
    (lambda bad: MLP([2, 3, 1], activation=bad), "activation"),
    (lambda bad: MLP([2, 3, 1], output_activation=bad), "output_activation"),
    (lambda bad: Activation(bad), "activation"),
])
@pytest.mark.parametrize("bad", [5, 2.5, ["relu"], Sigmoid])
def test_bad_activation_names_the_argument(build, name, bad):
    with pytest.raises(TypeError, match=f"`{name}` must be an activation name"):
        build(bad)


def test_activation_none_names_the_argument_with_a_hint():
    with pytest.raises(TypeError, match=r"`activation` must be an activation name.*NoneType None.*'linear'"):
        Activation(None)
    with pytest.raises(TypeError, match=r"`activation` must be .*NoneType None"):
        MLP([2, 3, 1], activation=None)
    assert MLP([2, 1], output_activation=None).output_activation is None  # None means linear output here


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_an_initializer_returning_non_finite_weights_is_refused(bad):
    def broken(shape, *, rng=None, dtype=np.float64):
        W = np.ones(shape, dtype=dtype)
        W[0, 0] = bad
        return W

    with pytest.raises(ValueError, match=r"`init` must return finite weights, got 1 NaN or infinite value in \(2, 3\)"):
        Dense(2, 3, init=broken)
    with pytest.raises(ValueError, match="`init` must return finite weights"):
        MLP([2, 3, 1], init=broken)


def test_an_initializer_overflowing_float32_is_refused():
    def huge(shape, *, rng=None, dtype=np.float64):
        return np.full(shape, 1e300)  # float64; becomes inf in float32

    with pytest.raises(ValueError, match="`init` must return finite weights.*float32"):
        Dense(2, 2, init=huge, dtype=np.float32)


def test_an_initializer_with_the_wrong_signature_or_result():
    with pytest.raises(TypeError, match=r"`init` must be callable as init\(shape, \*, rng=None, dtype=np.float64\)"):
        Dense(2, 3, init=lambda shape: np.ones(shape))
    with pytest.raises(TypeError, match="`init` must return an array of real numbers"):
        Dense(2, 3, init=lambda shape, **kw: np.full(shape, "w"))
    with pytest.raises(ValueError, match=r"`init` must return an array of shape \(2, 3\), got \(3, 2\)"):
        Dense(2, 3, init=lambda shape, **kw: np.ones(shape[::-1]))
    with pytest.raises(TypeError, match=r"`init` must return an array of real numbers of shape \(2, 3\), got .*object"):
        Dense(2, 3, init=lambda shape, **kw: None)
    with pytest.raises(ValueError, match=r"`init` must return an array of shape \(2, 3\), got \(\)"):
        Dense(2, 3, init=lambda shape, **kw: 0.5)
    with pytest.raises(TypeError, match="`init` must be an initializer name or a callable"):
        Dense(2, 3, init=None)
    # A correct callable (keyword-only arguments as documented) works as before.
    W = Dense(2, 3, init=lambda shape, *, rng=None, dtype=np.float64: np.full(shape, 0.5)).params["W"]
    assert np.array_equal(W, np.full((2, 3), 0.5))


@pytest.mark.parametrize("build", [
    lambda: Dense(10**6, 10**6),
    lambda: Dense(10**4, 10**4),                       # 100,010,000 > 10**8
    lambda: MLP([10**6, 10**6]),
    lambda: MLP([2, 10**5, 10**5, 1]),
    lambda: init.xavier_uniform((10**6, 10**6)),
    lambda: init.zeros((10**5, 10**5)),
    lambda: Conv2D(10**4, 10**4, 3),                   # the initializer refuses the unrolled kernel matrix
])
def test_absurd_sizes_are_refused_before_allocating(build):
    with pytest.raises(ValueError, match="10\\*\\*8"):
        build()


def test_the_size_limit_is_documented_and_generous():
    assert MAX_LAYER_PARAMS == 10**8
    assert Dense(1000, 1000).n_params == 1_001_000   # large but fine
    with pytest.raises(ValueError, match=r"`sizes` \[3, 100000, 100000, 1\]: layer 2, Dense\(100000, 100000\)"):
        MLP([3, 100_000, 100_000, 1])


@pytest.mark.parametrize("shape", [(2.5, 3), ("2", 3), (True, 2), None, "23", 2.0])
def test_initializer_shapes_must_be_ints(shape):
    with pytest.raises(TypeError, match="`shape` must be a tuple of ints"):
        init.xavier_uniform(shape)


# -- Activations: functions and objects check their input -----------------------------------------------------

PUBLIC_FUNCTIONS = [act.sigmoid, act.softmax, act.log_softmax]
OBJECTS = [act.get(name) for name in ACTIVATIONS]


def _name(f):
    """A test id that is the same in every process (a function's repr holds its address)."""
    return getattr(f, "__name__", None) or repr(f)


@pytest.mark.parametrize("f", PUBLIC_FUNCTIONS + OBJECTS, ids=_name)
@pytest.mark.parametrize("bad, error, match", [
    (np.array([]), ValueError, r"`z` must be a non-empty array of numbers, got an empty array of shape \(0,\)"),
    (np.zeros((3, 0)), ValueError, r"`z` must be a non-empty.*\(3, 0\)"),
    ([], ValueError, "`z` must be a non-empty"),
    ("abc", TypeError, "`z` must be an array of numbers, got str"),
    (None, TypeError, "`z` must be an array of numbers, got NoneType"),
    (np.array(["a", "b"]), TypeError, "`z` must contain real numbers"),
    (np.array([1 + 2j]), TypeError, "`z` must contain real numbers"),
    ([[1.0, 2.0], [3.0]], TypeError, "`z` must be an array of numbers"),
    (np.array([0.0, np.nan]), ValueError, "`z` must contain only finite numbers, got 1 NaN"),
    (np.array([[np.inf, 0.0]]), ValueError, "`z` must contain only finite numbers"),
    (float("nan"), ValueError, "`z` must contain only finite numbers"),
])
def test_activation_input_is_checked(f, bad, error, match):
    with pytest.raises(error, match=match):
        f(bad)


@pytest.mark.parametrize("f", OBJECTS, ids=repr)
@pytest.mark.parametrize("grad_shape", [(1, 3), (3,), (3, 1, 1), (1, 1), ()])
def test_backward_refuses_a_grad_output_of_another_shape(f, grad_shape):
    z = np.linspace(-1, 1, 3).reshape(3, 1)
    with pytest.raises(ValueError, match=r"`grad_output` must have the shape of `z` \(3, 1\), got .*no broadcasting"):
        f.backward(z, np.ones(grad_shape))


@pytest.mark.parametrize("f", OBJECTS, ids=repr)
def test_backward_checks_z_grad_output_and_a(f):
    z = np.array([[0.5, -0.5]])
    with pytest.raises(ValueError, match="`z` must be a non-empty"):
        f.backward(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="`grad_output` must contain only finite numbers"):
        f.backward(z, np.array([[np.nan, 1.0]]))
    with pytest.raises(TypeError, match="`grad_output` must be an array of numbers"):
        f.backward(z, None)
    with pytest.raises(ValueError, match=r"`a` must have the shape of `z` \(1, 2\), got \(2,\)"):
        f.backward(z, np.ones((1, 2)), a=np.ones(2))


def test_linear_is_checked_too():
    linear = act.get("linear")
    with pytest.raises(ValueError, match="`grad_output` must have the shape of `z`"):
        linear.backward(np.ones((4, 1)), np.ones(4))
    with pytest.raises(ValueError, match="`z` must be a non-empty"):
        linear(np.array([]))
    with pytest.raises(ValueError, match=r"`a` must have the shape of `z` \(2,\)"):
        linear.derivative(np.ones(2), a=np.ones(3))
    assert np.array_equal(linear(np.array([1.5, -2.0])), [1.5, -2.0])


def test_softmax_axis_and_scalar_input():
    with pytest.raises(ValueError, match=r"`axis` must lie in \[-2, 1\] for `z` of shape \(2, 2\), got 2"):
        act.softmax(np.ones((2, 2)), axis=2)
    with pytest.raises(TypeError, match="`axis` must be an integer, got float"):
        act.log_softmax(np.ones(3), axis=0.0)
    with pytest.raises(ValueError, match="`z` must have at least one axis"):
        act.get("softmax")(3.0)
    with pytest.raises(TypeError, match="not element-wise"):
        act.get("softmax").derivative(np.ones((1, 2)))


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=finite),
       st.sampled_from(sorted(ACTIVATIONS)))
def test_checked_methods_equal_the_unchecked_ones_bit_for_bit(z, name):
    f = act.get(name)
    g = np.cos(z)  # any finite gradient of the same shape
    assert np.array_equal(f(z), f._call(z))
    assert np.array_equal(f.backward(z, g), f._backward(z, g))
    assert np.array_equal(f.backward(z, g, a=f(z)), f._backward(z, g, f._call(z)))
    if f.elementwise:
        assert np.array_equal(f.derivative(z), f._derivative(z))


def test_scalars_and_lists_keep_working():
    assert act.sigmoid(0.0) == 0.5
    assert float(act.get("step")(np.float64(-0.5))) == 0.0
    assert np.allclose(act.softmax([[1.0, 1.0]]), [[0.5, 0.5]])
    assert act.get("relu")(np.array([1, -2])).tolist() == [1.0, 0.0]     # integers are numbers
    assert act.get("tanh")(np.float32(0.5)).dtype == np.float32


def test_a_subclass_overriding_the_public_methods_is_still_used_by_layers():
    class SigmoidWithBug(Sigmoid):
        def derivative(self, z, a=None):
            return z * (1 - z)

    layer = Activation(SigmoidWithBug())
    z = np.array([[0.3, -2.0]])
    layer.forward(z)
    assert np.allclose(layer.backward(np.ones((1, 2))), z * (1 - z))


def test_softmax_of_logits_near_the_float_limit_is_finite_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(act.softmax(np.array([[1e308, -1e308]])), [[1.0, 0.0]])
        assert np.array_equal(act.log_softmax(np.array([1e308, 0.0])), [0.0, -1e308])


# -- Losses ---------------------------------------------------------------------------------------------------

LOSS_CASES = [("mse", {}), ("mae", {}), ("huber", {}), ("bce", {}), ("bce", {"from_logits": True}),
              ("cce", {}), ("cce", {"from_logits": True}), ("bce", {"pos_weight": 2.0}),
              ("bce", {"from_logits": True, "pos_weight": 19.0})]


@pytest.mark.parametrize("name, options", LOSS_CASES)
@pytest.mark.parametrize("shape", [(0, 2), (0,), (0, 1)])
def test_empty_arrays_are_an_error_not_nan(name, options, shape):
    loss = get_loss(name, **options)
    y_pred = np.zeros(shape)
    y_true = np.zeros(shape[:1], dtype=int) if name == "cce" and len(shape) == 2 else np.zeros(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"`y_(pred|true)` must (hold at least one value|be a 2-D)"):
            loss(y_pred, y_true)
        with pytest.raises(ValueError, match=r"`y_(pred|true)` must (hold at least one value|be a 2-D)"):
            loss.gradient(y_pred, y_true)


def test_cce_with_zero_classes_is_an_error():
    with pytest.raises(ValueError, match=r"`y_pred` must hold at least one value, got an empty array of shape \(3, 0\)"):
        get_loss("cce", from_logits=True)(np.zeros((3, 0)), np.zeros((3, 0)))


# Values of torch.nn.functional.cross_entropy (float64 and float32) for these logits and labels.
EXTREME_LOGITS = [
    (np.float64, [[1e308, -1e308]], [0], 0.0),
    (np.float64, [[-1e308, 1e308]], [1], 0.0),
    (np.float64, [[1e308, 0.0, -1e308]], [1], 1e308),
    (np.float64, [[1e308, -1e308], [2.0, 1.0]], [0, 1], 0.6566308437591114),
    (np.float32, [[3e38, -3e38]], [0], 0.0),
    (np.float32, [[-3e38, 3e38, 0.0]], [1], 0.0),
    (np.float32, [[3e38, 0.0, -3e38]], [1], 1.5e38),  # mean over 1 sample: 3e38, halved below
]


@pytest.mark.parametrize("dtype, logits, labels, expected", EXTREME_LOGITS)
def test_cce_from_logits_far_apart_is_finite_and_equals_torch(dtype, logits, labels, expected):
    z = np.array(logits, dtype=dtype)
    y = np.array(labels)
    if expected == 1.5e38:
        expected = float(np.float32(3e38))
    loss = get_loss("cce", from_logits=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value_labels = loss(z, y)
        value_one_hot = loss(z, np.eye(z.shape[1], dtype=dtype)[y])
        grad = loss.gradient(z, y)
    assert value_labels == pytest.approx(expected, rel=1e-6) and value_one_hot == value_labels
    assert np.all(np.isfinite(grad))
    torch = pytest.importorskip("torch")
    reference = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert value_labels == pytest.approx(reference, rel=1e-6)


def test_cce_soft_targets_ignore_classes_they_do_not_hold():
    z = np.array([[1e308, 0.0, -1e308]])
    value = get_loss("cce", from_logits=True)(z, np.array([[0.5, 0.5, 0.0]]))
    assert value == pytest.approx(0.5e308)


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 4)), elements=finite), st.data())
def test_ordinary_logits_give_exactly_the_old_formula(z, data):
    labels = data.draw(arrays(np.int64, z.shape[0], elements=st.integers(0, z.shape[1] - 1)))
    y = np.eye(z.shape[1])[labels]
    old = -np.sum(y * act._log_softmax(z)) / z.shape[0]
    assert get_loss("cce", from_logits=True)(z, labels) == float(old)


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
def test_a_loss_that_overflows_is_an_error_not_inf(name):
    loss = get_loss(name)
    y_pred, y_true = np.array([[1e308]]), np.array([[-1e308]])
    with pytest.raises(ValueError, match=r"`y_pred` and `y_true` must be small enough for the loss to be finite"):
        loss(y_pred, y_true)
    if name == "mse":  # the capped gradients of mae and huber stay finite
        with pytest.raises(ValueError, match=r"must be small enough for the gradient to be finite"):
            loss.gradient(y_pred, y_true)
    else:
        assert np.all(np.isfinite(loss.gradient(y_pred, y_true)))


@pytest.mark.parametrize("bad", ["False", "yes", 1, None, 0.0])
@pytest.mark.parametrize("name", ["bce", "cce"])
def test_from_logits_must_be_a_bool(name, bad):
    with pytest.raises(TypeError, match=f"`from_logits` must be True or False, got {type(bad).__name__}"):
        get_loss(name, from_logits=bad)
    assert get_loss(name, from_logits=np.bool_(True)).from_logits is True


@pytest.mark.parametrize("bad", [None, 5, ["mse"], LOSSES["mse"]])
def test_loss_lookup_names_the_users_argument(bad):
    with pytest.raises(TypeError, match="`loss` must be a loss name"):
        get_loss_as(bad, "loss")
    with pytest.raises(TypeError, match="`name` must be a loss name"):
        get_loss(bad)


# -- Losses: class weights (pos_weight for "bce", weight for "cce") -----------------------------------------

@pytest.mark.parametrize("name, options, error, match", [
    ("bce", {"pos_weight": -1.0}, ValueError, r"`pos_weight` must hold non-negative weights, got -1.0\. Hint"),
    ("bce", {"pos_weight": np.nan}, ValueError, r"`pos_weight` must hold finite weights, got nan\. Hint"),
    ("bce", {"pos_weight": [1.0, np.inf]}, ValueError, r"`pos_weight` must hold finite weights, got \[1.0, inf\]"),
    ("bce", {"pos_weight": 0}, ValueError, r"`pos_weight` must hold at least one positive weight, got 0.0\. Hint"),
    ("bce", {"pos_weight": "19"}, TypeError, r"`pos_weight` must be a non-negative number.*got str '19'"),
    ("bce", {"pos_weight": True}, TypeError, r"`pos_weight` must be a non-negative number.*got bool True"),
    ("bce", {"pos_weight": [[1.0, 2.0]]}, ValueError, r"`pos_weight` must be .*got an array of shape \(1, 2\)\. Hint"),
    ("bce", {"pos_weight": []}, ValueError, r"`pos_weight` must be .*got an empty array"),
    ("bce", {"pos_weight": [1.0, 2j]}, TypeError, r"`pos_weight` must be .*dtype complex128\. Hint"),
    ("cce", {"weight": 2.0}, ValueError, r"`weight` must be a 1-D array of one non-negative weight per class.*"
                                         r"got an array of shape \(\)\. Hint: one weight per class"),
    ("cce", {"weight": [1.0, -0.5]}, ValueError, r"`weight` must hold non-negative weights, got \[1.0, -0.5\]"),
    ("cce", {"weight": [1.0, np.nan]}, ValueError, r"`weight` must hold finite weights"),
    ("cce", {"weight": [0, 0, 0]}, ValueError,
     r"`weight` must hold at least one positive weight, got \[0.0, 0.0, 0.0\]"),
    ("cce", {"weight": ["a", "b"]}, TypeError, r"`weight` must be a 1-D array .*got an array of dtype <U1"),
    ("cce", {"weight": [True, False]}, TypeError, r"`weight` must be a 1-D array .*got an array of dtype bool"),
    ("cce", {"weight": [[1.0], [2.0]]}, ValueError, r"`weight` must be a 1-D array .*shape \(2, 1\)"),
    ("cce", {"weight": [[1.0], [2.0, 3.0]]}, TypeError, r"`weight` must be a 1-D array .*numpy cannot convert"),
    ("cce", {"weight": None, "pos_weight": 2.0}, TypeError, r"loss 'cce' got unexpected options \['pos_weight'"),
    ("bce", {"weight": [1.0, 2.0]}, TypeError, r"loss 'bce' got unexpected options \['weight'\]"),
])
def test_bad_class_weights_are_refused_at_construction(name, options, error, match):
    with pytest.raises(error, match=match):
        get_loss(name, **options)
    with pytest.raises(error, match=match):
        get_loss_as(name, "loss", **options)


def test_class_weights_that_do_not_fit_the_columns_are_refused_at_the_call():
    loss = get_loss("cce", from_logits=True, weight=[1.0, 2.0])
    z = np.zeros((4, 3))
    for y in (np.array([0, 1, 2, 0]), np.eye(3)[[0, 1, 2, 0]]):
        with pytest.raises(ValueError, match=r"`weight` must hold one weight per class, 3 for the 3 columns of "
                                             r"`y_pred`, got 2 weights \[1.0, 2.0\]\. Hint"):
            loss(z, y)
        with pytest.raises(ValueError, match=r"`weight` must hold one weight per class"):
            loss.gradient(z, y)
    bce = get_loss("bce", from_logits=True, pos_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"`pos_weight` holds 2 weights, one per output column, so `y_pred` must "
                                         r"have shape \(n_samples, 2\), got 3 columns\. Hint"):
        bce(np.zeros((4, 3)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"got shape \(4,\)"):
        bce(np.zeros(4), np.zeros(4))
    assert np.isfinite(bce(np.zeros((4, 2)), np.ones((4, 2))))  # one weight per column is fine
    assert np.isfinite(get_loss("bce", from_logits=True, pos_weight=3.0)(np.zeros(4), np.ones(4)))


def test_labels_whose_classes_all_weigh_zero_are_an_error_not_nan():
    loss = get_loss("cce", from_logits=True, weight=[0.0, 1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"`y_true` holds only classes whose `weight` is 0, got labels \[0\]"):
            loss(np.zeros((2, 3)), np.array([0, 0]))
        assert loss(np.zeros((2, 3)), np.array([0, 1])) == pytest.approx(np.log(3))


def test_fit_names_the_weight_that_does_not_fit_the_model(moons):
    X, y = moons
    net = MLP([2, 4, 3], rng=0)
    loss = get_loss("cce", from_logits=True, weight=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"`weight` must hold one weight per class, 3 for the 3 columns of the "
                                         r"model's output, got 2 weights"):
        fit(net, X, y, loss=loss, optimizer=SGD(0.1), **KW)
    with pytest.raises(ValueError, match=r"`weight` must hold one weight per class"):
        evaluate(net, X, y, loss=loss)
    with pytest.raises(TypeError, match=r"options \['pos_weight'\] cannot be applied to an existing loss object"):
        get_loss(get_loss("bce"), pos_weight=2.0)


# ---- fit / evaluate, EarlyStopping and divergence ------------------------------------------------

KW = dict(epochs=2, progress=False)


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(120, noise=0.2, random_state=1)
    return X, y


def column(y):
    return y.reshape(-1, 1).astype(float)


# -- fit / evaluate: probability losses need probability outputs ------------------------------------

@pytest.mark.parametrize("output, loss, width, hint", [
    (None, "bce", 1, r'output_activation="sigmoid"'),
    ("relu", "bce", 1, r'output_activation="sigmoid"'),
    ("tanh", "bce", 1, r'output_activation="sigmoid"'),
    ("leaky_relu", "bce", 3, r'output_activation="sigmoid"'),
    (None, "cce", 3, r'output_activation="softmax"'),
    ("sigmoid", "cce", 3, r'output_activation="softmax"'),
    ("linear", "cce", 2, r'output_activation="softmax"'),
])
def test_probability_loss_without_the_right_output_activation_is_refused(moons, output, loss, width, hint):
    X, y = moons
    net = MLP([2, 5, width], output_activation=output, rng=0)
    target = y % width if loss == "cce" else np.tile(column(y), (1, width))
    before = net.flat_parameters()[0][0].copy()
    with pytest.raises(ValueError, match="output activation") as info:
        fit(net, X, target, loss=loss, optimizer=SGD(0.1), **KW)
    msg = str(info.value)
    assert f"`loss` '{loss}'" in msg and "from_logits=True" in msg and hint in msg
    assert (repr(output) if output else "no output activation") in msg
    np.testing.assert_array_equal(net.flat_parameters()[0][0], before)  # refused before any step
    with pytest.raises(ValueError, match="from_logits=True"):           # evaluate says the same
        evaluate(net, X, target, loss=loss)


def test_probability_check_accepts_the_right_outputs_and_from_logits(moons):
    X, y = moons
    for net, loss, target in [(MLP([2, 4, 1], output_activation="sigmoid", rng=0), "bce", column(y)),
                              (MLP([2, 4, 2], output_activation="softmax", rng=0), "cce", y),
                              (MLP([2, 4, 1], rng=0), get_loss("bce", from_logits=True), column(y)),
                              (MLP([2, 4, 2], rng=0), get_loss("cce", from_logits=True), y)]:
        history = fit(net, X, target, loss=loss, optimizer=SGD(0.1), **KW)
        assert np.isfinite(history.loss).all()
        assert np.isfinite(evaluate(net, X, target, loss=loss)["loss"])


def test_a_last_layer_that_does_not_tell_gets_its_first_batch_checked():
    from nnlearn import Conv2D, Flatten

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 1, 4, 4)), rng.integers(0, 2, size=(10, 8)) * 1.0
    scores = Sequential([Conv2D(1, 2, 3, rng=0), Flatten()])
    with pytest.raises(ValueError, match=r"a last layer Flatten: its outputs on the first batch range from "
                                         r".* outside \[0, 1\].*from_logits=True"):
        fit(scores, X, y, loss="bce", optimizer=SGD(0.1), batch_size=4, **KW)
    with pytest.raises(ValueError, match=r"a last layer Flatten: its outputs"):
        evaluate(scores, X, y, loss="bce")
    probabilities = Sequential([Conv2D(1, 2, 3, rng=0), Activation("sigmoid"), Flatten()])
    assert np.isfinite(fit(probabilities, X, y, loss="bce", optimizer=SGD(0.1), **KW).loss).all()
    softmax_rows = Sequential([Dense(2, 3, rng=0), Activation("softmax"), Dropout(0.5, rng=0)])
    assert np.isfinite(evaluate(softmax_rows, X[:, 0, 0, :2], y[:, :3] / y[:, :3].sum(1, keepdims=True).clip(1),
                                loss="bce")["loss"])


@settings(max_examples=25, deadline=None)
@given(width=st.integers(1, 4), output=st.sampled_from([None, "relu", "tanh", "linear", "leaky_relu"]),
       use_cce=st.booleans())
def test_hypothesis_non_probability_outputs_never_train(width, output, use_cce):
    rng = np.random.default_rng(width)
    X = rng.normal(size=(20, 3))
    net = MLP([3, 4, width], output_activation=output, rng=0)
    if use_cce:
        loss, target = "cce", rng.integers(0, width, size=20)
    else:
        loss, target = "bce", rng.integers(0, 2, (20, width)) * 1.0
    with pytest.raises(ValueError, match=r"`loss` '(bce|cce)' expects probabilities.*from_logits=True"):
        fit(net, X, target, loss=loss, optimizer=Adam(0.01), **KW)


# -- fit / evaluate: other arguments ------------------------------------------------------------------

def test_empty_data_is_refused(moons):
    X, y = moons
    net = MLP([2, 4, 1], rng=0)
    with pytest.raises(ValueError, match=r"`X` must hold at least one sample, got an array of shape \(0, 2\)"):
        fit(net, X[:0], column(y)[:0], loss="mse", optimizer=SGD(0.1), **KW)
    with pytest.raises(ValueError, match=r"`validation_data\[0\]` must hold at least one sample"):
        fit(net, X, column(y), loss="mse", optimizer=SGD(0.1), validation_data=(X[:0], column(y)[:0]), **KW)
    with pytest.raises(ValueError, match="`X` must hold at least one sample"):
        evaluate(net, np.empty((0, 2)), np.empty((0, 1)), loss="mse")


@pytest.mark.parametrize("metrics, match", [
    ("accuracy", r"got the string 'accuracy'. Hint: metrics=\[\"accuracy\"\]"),
    ("mae", r"got the string 'mae'"),
    (None, r"`metrics` must be a list .* got NoneType None"),
    (nnlearn.metrics.accuracy, r"`metrics` must be a list .* got function"),
    (5, r"`metrics` must be a list .* got int 5"),
    ([3], r"`metrics\[0\]` must be a metric name"),
    (["accuracy", None], r"`metrics\[1\]` must be a metric name"),
])
def test_metrics_must_be_a_list(moons, metrics, match):
    X, y = moons
    net = MLP([2, 4, 1], output_activation="sigmoid", rng=0)
    with pytest.raises(TypeError, match=match):
        fit(net, X, column(y), loss="bce", optimizer=SGD(0.1), metrics=metrics, **KW)
    with pytest.raises(TypeError, match=match):
        evaluate(net, X, column(y), loss="bce", metrics=metrics)


@pytest.mark.parametrize("callbacks, match", [
    (None, r"`callbacks` must be a list of functions .* got NoneType None. Hint: callbacks=\(\) for none"),
    (print, r"`callbacks` must be a list .* Hint: wrap the function in a list, callbacks=\[print\]"),
    (lambda m, h: None, r"callbacks=\[<lambda>\]"),
    ("stop", r"`callbacks` must be a list .* got str"),
    ([print, 3], r"`callbacks\[1\]` must be callable"),
])
def test_callbacks_must_be_a_list_of_functions(moons, callbacks, match):
    X, y = moons
    with pytest.raises(TypeError, match=match):
        fit(MLP([2, 4, 1], rng=0), X, column(y), loss="mse", optimizer=SGD(0.1), callbacks=callbacks, **KW)


@pytest.mark.parametrize("loss", [None, 5, 0.5, ["mse"], SGD(0.1)])
def test_loss_of_the_wrong_type_names_loss(moons, loss):
    X, y = moons
    net = MLP([2, 4, 1], rng=0)
    with pytest.raises(TypeError, match=r"^`loss` must be a loss name"):
        fit(net, X, column(y), loss=loss, optimizer=SGD(0.1), **KW)
    with pytest.raises(TypeError, match=r"^`loss` must be a loss name"):
        evaluate(net, X, column(y), loss=loss)


def test_unknown_loss_name_lists_the_valid_ones(moons):
    X, y = moons
    with pytest.raises(ValueError, match="Unknown loss 'mes'.*Did you mean 'mse'"):
        fit(MLP([2, 4, 1], rng=0), X, column(y), loss="mes", optimizer=SGD(0.1), **KW)


@pytest.mark.parametrize("labels", [np.array(["cat", "dog"] * 60), np.array([["a"], ["b"]] * 60),
                                    np.array([b"x"] * 120), "labels", None])
def test_string_labels_name_y_not_y_true(moons, labels):
    X, _ = moons
    for net, loss in [(MLP([2, 4, 2], output_activation="softmax", rng=0), "cce"),
                      (MLP([2, 4, 1], output_activation="sigmoid", rng=0), "bce"),
                      (MLP([2, 4, 1], rng=0), "mse")]:
        with pytest.raises(TypeError, match=r"`y`") as info:
            fit(net, X, labels, loss=loss, optimizer=SGD(0.1), **KW)
        assert "y_true" not in str(info.value) and "y_pred" not in str(info.value)
        with pytest.raises(TypeError, match=r"`y`") as info:
            evaluate(net, X, labels, loss=loss)
        assert "y_true" not in str(info.value)


def test_validation_targets_are_named_as_written(moons):
    X, y = moons
    net = MLP([2, 4, 2], output_activation="softmax", rng=0)
    with pytest.raises(TypeError, match=r"`validation_data\[1\]`") as info:
        fit(net, X, y, loss="cce", optimizer=SGD(0.1), validation_data=(X, y.astype(str)), **KW)
    assert "y_true" not in str(info.value)


@pytest.mark.parametrize("rows", [
    np.array([[2.0, 0.0]] * 120),              # sums to 2
    np.array([[0.3, 0.3]] * 120),              # sums to 0.6
    np.array([[0.0, 0.0]] * 120),              # no class at all
    np.array([[1.0, 1.0]] * 120),              # two classes at once
])
@pytest.mark.parametrize("from_logits", [False, True])
def test_cce_target_rows_must_be_probability_rows(moons, rows, from_logits):
    X, _ = moons
    net = MLP([2, 4, 2], output_activation=None if from_logits else "softmax", rng=0)
    loss = get_loss("cce", from_logits=from_logits)
    with pytest.raises(ValueError, match=r"`y` rows must be one-hot or probability rows summing to 1"):
        fit(net, X, rows, loss=loss, optimizer=SGD(0.1), **KW)
    with pytest.raises(ValueError, match=r"`y` rows must be one-hot or probability rows summing to 1"):
        evaluate(net, X, rows, loss=loss)


def test_cce_soft_target_rows_still_train(moons):
    X, y = moons
    soft = 0.9 * np.eye(2)[y] + 0.05                 # label smoothing: rows sum to 1
    history = fit(MLP([2, 4, 2], output_activation="softmax", rng=0), X, soft, loss="cce", optimizer=SGD(0.1), **KW)
    assert np.isfinite(history.loss).all()


def test_evaluate_gives_the_same_numbers_as_before(moons):
    X, y = moons
    net = MLP([2, 4, 2], output_activation="softmax", rng=0)
    result = evaluate(net, X, y, loss="cce", metrics=["accuracy"])
    assert result["loss"] == get_loss("cce")(net.predict(X), y)
    assert result["accuracy"] == nnlearn.metrics.accuracy(net.predict(X), np.eye(2)[y])


def test_evaluate_checks_its_model(moons):
    X, y = moons
    with pytest.raises(TypeError, match="`model` must be an nnlearn Sequential"):
        evaluate("net", X, y, loss="mse")


# -- EarlyStopping -------------------------------------------------------------------------------------

@pytest.mark.parametrize("monitor", [None, 5, "", "   ", ["val_loss"]])
def test_early_stopping_monitor_is_checked_when_built(monitor):
    with pytest.raises(TypeError, match=r"`monitor` must be the name \(str\) of a History record"):
        EarlyStopping(monitor=monitor)


@pytest.mark.parametrize("monitor", ["accuracy", "val_accuracy"])
def test_early_stopping_refuses_higher_is_better_records(monitor):
    with pytest.raises(ValueError, match=r"`monitor` must name a record where lower is better.*val_loss"):
        EarlyStopping(monitor=monitor)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_early_stopping_restore_best_weights_must_be_a_bool(value):
    with pytest.raises(TypeError, match="`restore_best_weights` must be True or False"):
        EarlyStopping(restore_best_weights=value)


@pytest.mark.parametrize("monitor, kwargs, match", [
    ("val_los", dict(validation=True), r"got 'val_los'. Did you mean 'val_loss'\?"),
    ("los", dict(), r"got 'los'. Did you mean 'loss'\?"),
    ("val_mae", dict(validation=True), r"\['loss', 'val_loss'\], got 'val_mae'"),
    ("l2_penalty", dict(), r"got 'l2_penalty'"),
    ("val_mse", dict(), r"needs `validation_data`"),
])
def test_early_stopping_monitor_is_checked_against_the_records_at_the_start(moons, monitor, kwargs, match):
    X, y = moons
    net = MLP([2, 4, 1], rng=0)
    before = net.flat_parameters()[0][0].copy()
    extra = dict(validation_data=(X, column(y))) if kwargs.get("validation") else {}
    with pytest.raises(ValueError, match=match):
        fit(net, X, column(y), loss="mse", optimizer=SGD(0.1), early_stopping=EarlyStopping(monitor=monitor),
            **extra, **KW)
    np.testing.assert_array_equal(net.flat_parameters()[0][0], before)  # before epoch 1, not a KeyError after it


def test_early_stopping_monitor_accepts_every_recorded_name(moons):
    X, y = moons
    for monitor, extra in [("loss", {}), ("mae", dict(metrics=["mae"])), ("l1_penalty", dict(l1=0.01)),
                           ("val_mse", dict(metrics=["mse"], validation_data=(X, column(y))))]:
        history = fit(MLP([2, 4, 1], rng=0), X, column(y), loss="mse", optimizer=SGD(0.1),
                      early_stopping=EarlyStopping(patience=1, monitor=monitor), **extra, **KW)
        assert monitor in history


# -- divergence ----------------------------------------------------------------------------------------

def _assert_left_finite(net, before_first_epoch, info, epoch_one_diverged):
    theta = net.flat_parameters()[0][0]
    assert np.isfinite(theta).all()
    msg = str(info.value)
    assert "last finite" in msg
    if epoch_one_diverged:
        np.testing.assert_array_equal(theta, before_first_epoch)
        assert "initial weights" in msg


def test_overflow_leaves_the_model_at_the_last_finite_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3)) * [1.0, 1e100, 1e200]
    y = rng.normal(size=(100, 1))
    net = MLP([3, 8, 1], rng=0)
    before = net.flat_parameters()[0][0].copy()
    with pytest.raises(DivergenceError, match="diverged at epoch 1.*initial weights") as info:
        fit(net, X, y, loss="mse", optimizer=SGD(0.1), epochs=100, progress=False)
    _assert_left_finite(net, before, info, True)
    assert info.value.epoch == 1 and info.value.history.n_epochs == 0


def test_divergence_after_some_epochs_keeps_the_previous_epochs_weights():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([[3.0], [-2.0]])
    net = MLP([2, 16, 16, 1], activation="relu", rng=0)
    snapshots = []
    with pytest.raises(DivergenceError) as info:
        fit(net, X, y, loss="mse", optimizer=SGD(0.6, momentum=0.9), epochs=500, progress=False,
            callbacks=[lambda model, history: snapshots.append(model.flat_parameters()[0][0].copy())])
    epoch = info.value.epoch
    assert epoch > 1 and len(snapshots) == epoch - 1 == info.value.history.n_epochs
    np.testing.assert_array_equal(net.flat_parameters()[0][0], snapshots[-1])
    assert f"from the end of epoch {epoch - 1}, the last finite ones" in str(info.value)


@pytest.mark.parametrize("opt", [lambda: Adam(1e3), lambda: Adam(10.0), lambda: RMSprop(1e4), lambda: AdaGrad(1e5)])
@pytest.mark.parametrize("loss, output", [("mse", None), ("bce", "sigmoid"), ("cce", "softmax"),
                                          (get_loss("bce", from_logits=True), None)])
def test_absurd_adaptive_learning_rates_are_caught_before_they_overflow(moons, opt, loss, output):
    X, y = moons
    width = 2 if loss == "cce" else 1
    target = y if loss == "cce" else column(y)
    net = MLP([2, 16, 16, width], activation="relu", output_activation=output, rng=0)
    with pytest.raises(DivergenceError, match=r"Training diverged at epoch \d+: the training loss") as info:
        fit(net, X, target, loss=loss, optimizer=opt(), epochs=300, progress=False)
    assert np.isfinite(net.flat_parameters()[0][0]).all()
    assert "learning rate" in str(info.value) and "last finite" in str(info.value)


def test_the_growth_rule_leaves_healthy_runs_alone(moons):
    X, y = moons
    for lr in (0.001, 0.01, 0.1):
        history = fit(MLP([2, 16, 16, 1], activation="tanh", output_activation="sigmoid", rng=0), X, column(y),
                      loss="bce", optimizer=Adam(lr), epochs=200, progress=False)
        assert history.n_epochs == 200


def test_a_non_finite_validation_loss_stops_training():
    X = np.array([[0.0], [1.0]])
    y = np.array([[0.0], [1.0]])
    net = MLP([1, 1], rng=0)
    X_val = np.array([[1e300]])
    with pytest.raises(DivergenceError, match="the validation loss became inf") as info:
        fit(net, X, y, loss="mse", optimizer=SGD(0.01), validation_data=(X_val, np.array([[0.0]])), **KW)
    assert info.value.history.n_epochs == 0 and info.value.history["val_loss"].size == 0
    assert np.isfinite(net.flat_parameters()[0][0]).all()


def test_a_broken_optimizer_state_is_reset_after_divergence(moons):
    X, y = moons
    net, opt = MLP([2, 8, 1], rng=0), SGD(0.1, momentum=0.9)
    before = net.flat_parameters()[0][0].copy()
    opt.step(net.flat_parameters())                           # the optimizer has been used before...
    opt.state[0]["momentum_buffer"][0] = np.inf               # ...and its state has overflowed
    net.flat_parameters()[0][0][...] = before
    with pytest.raises(DivergenceError, match="a parameter became NaN or infinite.*optimizer's state had "
                                              "become NaN or infinite; it has been reset"):
        fit(net, X, column(y), loss="mse", optimizer=opt, **KW)
    assert opt.state is None and opt.t == 0
    np.testing.assert_array_equal(net.flat_parameters()[0][0], before)
    fit(net, X, column(y), loss="mse", optimizer=opt, **KW)   # and it can be used again


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01),
                                  lambda: RMSprop(0.01), lambda: AdaGrad(0.1)])
def test_step_rejects_non_finite_gradients_and_changes_nothing(make, bad):
    opt = make()
    theta, g = np.ones(4), np.array([0.1, -0.2, bad, 0.3])
    with pytest.raises(ValueError, match=r"`parameters\[0\]` must have a finite gradient, got 1 NaN or infinite"):
        opt.step([(theta, g)])
    np.testing.assert_array_equal(theta, np.ones(4))
    net = MLP([2, 3, 1], rng=0)
    pairs = net.parameters()
    pairs[2][1][...] = bad
    before = net.flat_parameters()[0][0].copy()
    with pytest.raises(ValueError, match=r"`parameters\[2\]` must have a finite gradient, got 3 NaN"):
        make().step(pairs)
    np.testing.assert_array_equal(net.flat_parameters()[0][0], before)


def test_step_accepts_huge_finite_gradients():
    theta, g = np.zeros(3), np.full(3, 1e308)          # their sum overflows; the entries are finite
    SGD(1e-300).step([(theta, g)])
    np.testing.assert_allclose(theta, -1e8)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=8))
def test_hypothesis_step_updates_exactly_when_the_gradient_is_finite(values):
    g = np.array(values)
    theta = np.zeros_like(g)
    finite = np.isfinite(g).all()
    if finite:
        with np.errstate(over="ignore"):
            SGD(1e-300).step([(theta, g)])
        assert np.isfinite(theta).all()
    else:
        with pytest.raises(ValueError, match="must have a finite gradient"):
            SGD(0.1).step([(theta, g)])
        assert not theta.any()


def test_public_names_stay_importable():
    import nnlearn.callbacks
    import nnlearn.training

    assert nnlearn.training.History is nnlearn.callbacks.History is nnlearn.History
    assert nnlearn.training.EarlyStopping is nnlearn.callbacks.EarlyStopping is nnlearn.EarlyStopping
    assert nnlearn.training.DivergenceError.__module__ == "nnlearn.training"
    assert issubclass(DivergenceError, FloatingPointError)


def test_the_growth_rule_as_documented():
    from nnlearn import _fit_checks as checks

    mse, bce, cce = get_loss("mse"), get_loss("bce"), get_loss("cce")
    assert checks.loss_has_exploded(mse, 2e6, 1.0, 1.0, 1)                 # a millionfold at once
    assert not checks.loss_has_exploded(mse, 2e6, 1.0, 1e4, 1)             # ...but slowly: a drift, left alone
    assert not checks.loss_has_exploded(mse, 9e5, 1.0, 1.0, 1)
    assert not checks.loss_has_exploded(mse, 1.0, 0.0, 0.0, 1)             # no scale at loss 0
    assert checks.loss_has_exploded(bce, 7.0, 0.69, 0.69, 1)               # 10x start, 10x chance
    assert not checks.loss_has_exploded(bce, 6.0, 0.5, 0.5, 1)             # below 10 ln 2
    assert not checks.loss_has_exploded(cce, 20.0, 1.0, 1.0, 10)           # below 10 ln 10
    assert checks.loss_has_exploded(cce, 24.0, 1.0, 1.0, 10)
    for loss, first, k in [(mse, 1.0, 1), (bce, 0.7, 1), (cce, 2.3, 10), (cce, 1e-9, 3)]:
        limit = checks.explosion_threshold(loss, first, k)
        assert not checks.loss_has_exploded(loss, limit, first, first, k)
        assert checks.loss_has_exploded(loss, limit * 1.0001, first, first, k)


def test_slow_geometric_growth_is_left_to_run():
    # Gradient descent at 1.05 times its stability limit (Chapter 8): the loss grows ~1.2x per epoch,
    # a millionfold within 100 epochs but never a thousandfold within 10: fit runs to the end.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = X @ np.array([[1.0], [2.0]]) + 0.1 * rng.normal(size=(50, 1))
    A = np.column_stack([X, np.ones(len(X))])
    lr = 1.05 / np.linalg.eigvalsh(A.T @ A / len(X))[-1]
    history = fit(MLP([2, 1], rng=0), X, y, loss="mse", optimizer=SGD(lr), epochs=300, progress=False)
    assert history.n_epochs == 300 and history.loss[-1] > 1e6 * history.loss[0]


@pytest.mark.parametrize("name, value", [("shuffle", "no"), ("shuffle", 0), ("progress", "yes"), ("progress", None)])
def test_flags_must_be_bools(moons, name, value):
    X, y = moons
    kw = dict(loss="mse", optimizer=SGD(0.1), epochs=1, progress=False)
    kw[name] = value
    with pytest.raises(TypeError, match=f"`{name}` must be True or False"):
        fit(MLP([2, 4, 1], rng=0), X, column(y), **kw)


def test_negative_int_patience_names_early_stopping(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"`early_stopping` must be an EarlyStopping or an int patience >= 0"):
        fit(MLP([2, 4, 1], rng=0), X, column(y), loss="mse", optimizer=SGD(0.1), validation_data=(X, column(y)),
            early_stopping=-1, **KW)


def test_a_model_with_nan_weights_is_refused_not_blamed_on_the_learning_rate(moons):
    X, y = moons
    net = MLP([2, 4, 1], rng=0)
    net.layers[0].params["W"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"`model` must have finite parameters, got 1 NaN or infinite"):
        fit(net, X, column(y), loss="mse", optimizer=SGD(0.1), **KW)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_targets_name_y(moons, bad):
    X, y = moons
    target = column(y)
    target[5] = bad
    for loss, net in [("mse", MLP([2, 4, 1], rng=0)), ("bce", MLP([2, 4, 1], output_activation="sigmoid", rng=0))]:
        with pytest.raises(ValueError, match=r"^`y` does not fit .*`y` must contain only finite numbers") as info:
            fit(net, X, target, loss=loss, optimizer=SGD(0.1), **KW)
        assert "y_true" not in str(info.value)
        with pytest.raises(ValueError, match=r"`y` must contain only finite numbers"):
            evaluate(net, X, target, loss=loss)


# ---- Persistence and the smaller modules ---------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "m.npz"
    save(MLP([3, 4, 1], activation="tanh", rng=0), path)
    return path


def rewrite(path, change):
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def set_architecture(path, value):
    rewrite(path, lambda a: a.update(architecture=np.array(json.dumps(value))))


def edit_architecture(path, change):
    def apply(arrays):
        arch = json.loads(str(arrays["architecture"]))
        change(arch)
        arrays["architecture"] = np.array(json.dumps(arch))
    rewrite(path, apply)


def patch_central_directory(path, offset, fmt, value):
    """Overwrite a field of every central-directory entry of the zip file at ``path``."""
    data = bytearray(path.read_bytes())
    start = 0
    while (i := data.find(b"PK\x01\x02", start)) >= 0:
        struct.pack_into(fmt, data, i + offset, value)
        start = i + 4
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("bad", [None, 123, 1.5, ["m.npz"], True])
def test_load_names_path_for_a_non_path(bad):
    with pytest.raises(TypeError, match="`path` must be a file name"):
        load(bad)


def test_load_of_a_directory_or_missing_file(tmp_path):
    with pytest.raises(ValueError, match="`path` .* is a directory"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError, match="`path` .*missing.npz"):
        load(tmp_path / "missing.npz")


@pytest.mark.parametrize("offset, fmt, value, what", [
    (6, "<B", 99, "unsupported zip version 9.9"),
    (8, "<H", 1, "encrypted flag"),
    (10, "<H", 99, "unknown compression method"),
    (10, "<H", 14, "LZMA claimed for stored data"),
])
def test_zip_headers_that_zipfile_refuses(saved, offset, fmt, value, what):
    patch_central_directory(saved, offset, fmt, value)
    with pytest.raises(ValueError, match=f"`path` '{saved}' is not a readable nnlearn model file"):
        load(saved)


def test_flipped_bytes_in_the_data(saved):
    data = bytearray(saved.read_bytes())
    i = data.find(b"\x93NUMPY", 200)  # inside a weight entry: the CRC no longer matches
    data[i + 130] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a readable nnlearn model file"):
        load(saved)


def test_npy_renamed_npz(tmp_path):
    path = tmp_path / "weights.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"`path` .* not a readable nnlearn model file.*\.npy file"):
        load(path)


@pytest.mark.parametrize("content", [b"", b"PK", b"\x93NUMPY", "hello".encode(), b"PK\x03\x04" + bytes(50)])
def test_foreign_bytes(tmp_path, content):
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="m.npz"):
        load(path)


@pytest.mark.parametrize("record", [[1, 2, 3], "nnlearn-model", 42, None, {"format": "other"}])
def test_architecture_that_is_not_an_object(saved, record):
    set_architecture(saved, record)
    with pytest.raises(ValueError, match="is not an nnlearn model file"):
        load(saved)


@pytest.mark.parametrize("change", [
    lambda a: a.update(layers="Dense"),
    lambda a: a.update(layers=[1, 2, 3]),
    lambda a: a.update(layers={"0": 1}),
    lambda a: a.update(mlp=[3, 4, 1]),
    lambda a: a["mlp"].update(sizes="341"),
    lambda a: a["mlp"].update(sizes=[3, 4, True]),
    lambda a: a["mlp"].update(activation={"name": "tanh", "options": [1]}),
    lambda a: a["mlp"].update(activation="tanh"),
    lambda a: a.update(dtype="object"),
    lambda a: a.update(dtype=[1]),
    lambda a: a.update({"class": "Perceptron"}),
    lambda a: a.update(version=True),
    lambda a: a.update(version="1"),
    lambda a: a.pop("mlp"),
    lambda a: a["layers"][0].update(n_in=3.0),
])
def test_tampered_architecture_records(saved, change):
    edit_architecture(saved, change)
    with pytest.raises(ValueError, match=str(saved)):
        load(saved)


def test_terabyte_sizes_are_refused_before_allocating(saved):
    def huge(arch):
        arch["mlp"]["sizes"] = [10**7, 10**7, 1]
        arch["layers"][0].update(n_in=10**7, n_out=10**7)
        arch["layers"][2].update(n_in=10**7)
    edit_architecture(saved, huge)
    with pytest.raises(ValueError, match=r"weight '0.W' has shape \(3, 4\).*needs \(10000000, 10000000\)"):
        load(saved)


def test_mlp_sizes_disagreeing_with_the_layers_are_refused_before_building(saved):
    edit_architecture(saved, lambda a: a["mlp"].update(sizes=[3, 10**12, 1]))
    with pytest.raises(ValueError, match="MLP sizes .* do not match its Dense layers"):
        load(saved)


def test_sequential_with_huge_dense_is_refused(tmp_path):
    path = tmp_path / "s.npz"
    save(Sequential([Dense(2, 3, rng=0), Activation("relu"), Dense(3, 1, rng=0)]), path)
    edit_architecture(path, lambda a: a["layers"][2].update(n_in=2**40, n_out=2**40))
    with pytest.raises(ValueError, match=r"weight '2.W' has shape \(3, 1\)"):
        load(path)


def test_npy_header_declaring_terabytes(saved):
    """An entry whose .npy header claims a (10**6, 10**6) array but holds 96 bytes: never allocated."""
    with zipfile.ZipFile(saved) as z:
        entries = {info.filename: z.read(info) for info in z.infolist()}
    fake = io.BytesIO()
    np.lib.format.write_array_header_1_0(fake, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)})
    entries["0.W.npy"] = fake.getvalue() + bytes(96)
    with zipfile.ZipFile(saved, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    with pytest.raises(ValueError, match=r"not a readable nnlearn model file.*'0.W.npy' declares an array"):
        load(saved)


def test_round_trip_still_exact(tmp_path, rng):
    net = MLP([3, 5, 2], activation="relu", output_activation="softmax", rng=4)
    path = tmp_path / "ok.npz"
    save(net, path)
    X = rng.normal(size=(7, 3))
    assert np.array_equal(load(path).predict(X), net.predict(X))
    assert np.array_equal(load(str(path).encode()).predict(X), net.predict(X))


# -- SimpleRNN --------------------------------------------------------------------------------------

@pytest.mark.parametrize("return_sequences", [False, True])
def test_rnn_zero_time_steps(return_sequences):
    rnn = SimpleRNN(2, 3, return_sequences=return_sequences, rng=0)
    with pytest.raises(ValueError, match=r"`X` must hold sequences of at least one time step.*\(4, 0, 2\)"):
        rnn.forward(np.zeros((4, 0, 2)))


def test_rnn_one_step_still_works():
    out = SimpleRNN(2, 3, rng=0).forward(np.ones((4, 1, 2)))
    assert out.shape == (4, 3) and np.isfinite(out).all()


# -- KMeans -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e155, 1e160, 1e200, 1e307])
def test_kmeans_refuses_overflowing_values(scale, rng):
    X = rng.uniform(-1, 1, size=(30, 2)) * scale
    with pytest.raises(ValueError, match="`X` holds values up to .* squared distances overflow.*rescale"):
        KMeans(3, rng=0).fit(X)
    with pytest.raises(ValueError, match="`X` holds values up to"):
        kmeans_plusplus(X, 3, rng=0)


@given(st.floats(1e-3, 1e150))
def test_kmeans_large_but_safe_values_stay_finite(scale):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]]) * scale
    km = KMeans(2, n_init=2, rng=0).fit(X)
    assert math.isfinite(km.inertia_) and np.isfinite(km.cluster_centers_).all()
    assert np.isfinite(km.transform(X)).all()


def test_kmeans_predict_refuses_overflowing_values():
    km = KMeans(2, rng=0).fit([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="`X` holds values up to 1e\\+155"):
        km.predict([[1e155, 0.0]])


# -- Perceptron -------------------------------------------------------------------------------------

@pytest.mark.parametrize("X", [
    [[1e308, 1e308], [-1e308, 1e307]],
    [[1e200, 0.0], [0.0, 1e200]],
    [[1e160, -1e160], [-1e160, 1e160]],
])
def test_perceptron_overflow_is_refused(X):
    with pytest.raises(ValueError, match="`X` is too large to learn from.*overflowed.*rescale"):
        Perceptron(rng=0).fit(X, [0, 1])


def test_perceptron_huge_lr_is_named():
    with pytest.raises(ValueError, match="`lr` must be a moderate positive number"):
        Perceptron(lr=1e308, rng=0).fit([[1e10, 1.0], [2.0, 3.0]], [0, 1])


def test_perceptron_decision_function_overflow():
    p = Perceptron()
    p.coef_, p.intercept_ = np.array([1.0, -1.0]), 0.0
    with pytest.raises(ValueError, match="`X` is too large for these weights"):
        p.decision_function([[1e308, -1e308]])


@given(st.floats(-1e100, 1e100), st.floats(-1e100, 1e100))
def test_perceptron_results_are_finite_or_refused(a, b):
    X = [[a, 1.0], [1.0, b], [0.0, 0.0]]
    try:
        p = Perceptron(max_epochs=5, rng=0).fit(X, [0, 1, 1])
    except ValueError as exc:
        assert "`X` is too large" in str(exc)
    else:
        assert np.isfinite(p.coef_).all() and math.isfinite(p.intercept_)


# -- datasets ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: spirals(20, turns=1e308), "`turns` must be at most"),
    (lambda: spirals(20, turns=1e7), "`turns` must be at most"),
    (lambda: spirals(20, noise=1e308), "`noise` must be at most"),
    (lambda: spirals(20, turns=math.inf), "`turns` must be a finite number"),
    (lambda: fruit(20, noise=1e308), "`noise` must be at most"),
    (lambda: function_samples("sin", 10, noise=1e308), "`noise` must be at most"),
    (lambda: function_samples("sin", 10, x_range=(-1e308, 1e308)), r"`x_range` must lie within"),
    (lambda: function_samples("sin", 10, x_range=(0, 1e300)), r"`x_range` must lie within"),
])
def test_datasets_refuse_extreme_settings(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@given(turns=st.floats(1e-300, 1e6), noise=st.floats(0, 1e6))
def test_spirals_finite_at_any_accepted_setting(turns, noise):
    X, y = spirals(12, turns=turns, noise=noise, rng=0)
    assert np.isfinite(X).all() and np.abs(X).max() <= 1.0 + 1e-12


@given(low=st.floats(-1e6, 1e6), width=st.floats(1e-6, 1e6), noise=st.floats(0, 1e6),
       name=st.sampled_from(["sin", "abs", "step", "sawtooth", "square_wave"]))
def test_function_samples_finite_at_any_accepted_setting(low, width, noise, name):
    high = min(low + width, 1e6)
    if not low < high:
        return
    X, y = function_samples(name, 5, noise=noise, x_range=(low, high), rng=0)
    assert np.isfinite(X).all() and np.isfinite(y).all()


def test_fruit_with_large_noise_is_finite():
    X, y = fruit(30, noise=1e6, separable=True, rng=0)
    assert np.isfinite(X).all() and X.shape == (30, 2)


# -- metrics ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("metric", [metrics.accuracy, metrics.mean_squared_error, metrics.mean_absolute_error])
@pytest.mark.parametrize("shapes", [((3, 1), (1, 3)), ((3, 1), (3,)), ((3,), (3, 1)), ((3, 2), (2, 3)),
                                    ((4,), (3,)), ((3, 2), (3, 3))])
def test_metrics_never_broadcast(metric, shapes):
    with pytest.raises(ValueError, match="`y_pred` and `y_true` must have the same shape"):
        metric(np.ones(shapes[0]), np.ones(shapes[1]))


@pytest.mark.parametrize("metric", [metrics.accuracy, metrics.mean_squared_error, metrics.mean_absolute_error])
def test_metrics_refuse_empty_and_strings(metric):
    with pytest.raises(ValueError, match="must not be empty"):
        metric(np.ones((0, 1)), np.ones((0, 1)))
    with pytest.raises(TypeError, match="`y_true` must be an array of numbers"):
        metric(np.ones(3), ["a", "b", "c"])


def test_metrics_valid_shapes_unchanged():
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert metrics.accuracy(p, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert metrics.accuracy(p, np.eye(2)[[0, 1, 1]]) == pytest.approx(2 / 3)
    assert metrics.accuracy(np.array([[0.7], [0.2]]), np.array([[1], [1]])) == 0.5
    assert metrics.mean_squared_error([1.0, 2.0], [1.0, 4.0]) == 2.0
    assert metrics.mean_absolute_error([[1.0], [2.0]], [[1.0], [4.0]]) == 1.0
    with pytest.raises(ValueError, match="must have the same shape"):  # labels (n,) only for several columns
        metrics.mean_squared_error(p, np.array([0, 1, 1]))


# -- gradcheck --------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["net", None, 5, np.zeros(3), [Dense(2, 1)]])
def test_gradcheck_refuses_a_non_model(model):
    with pytest.raises(TypeError, match="`model` must be an nnlearn network"):
        check_gradients(model, "mse", np.ones((2, 2)), np.ones((2, 1)))


def test_gradcheck_refuses_a_class_and_bad_f():
    with pytest.raises(TypeError, match="`model` must be a network instance, got the class MLP"):
        check_gradients(MLP, "mse", np.ones((2, 2)), np.ones((2, 1)))
    with pytest.raises(TypeError, match="`f` must return a single number"):
        numerical_gradient(lambda x: x, np.ones(3))
    with pytest.raises(ValueError, match="`f` must return a finite number"):
        numerical_gradient(lambda x: np.nan, np.ones(3))
    with pytest.raises(ValueError, match="`eps` must be positive"):
        check_gradients(MLP([2, 1], rng=0), "mse", np.ones((2, 2)), np.ones((2, 1)), eps=0)


def test_gradcheck_still_agrees():
    net = MLP([2, 3, 1], activation="tanh", rng=0)
    assert max(check_gradients(net, "mse", np.ones((2, 2)), np.ones((2, 1))).values()) < 1e-6


# -- autograd ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: Value(1.0) / 0, ZeroDivisionError, "division by zero: 1 / 0"),
    (lambda: 3 / Value(0.0), ZeroDivisionError, "division by zero: 3 / 0"),
    (lambda: Value(2.0) / Value(0.0), ZeroDivisionError, "division by zero"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0 \*\* -1 is a division by zero"),
    (lambda: Value(0.0) ** -0.5, ZeroDivisionError, r"0 \*\* -0.5"),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, "negative base needs an integer exponent"),
    (lambda: Value(-2.0) ** 0.5, ValueError, "not a real number"),
    (lambda: Value(1000.0).exp(), OverflowError, r"exp\(1000\) overflows"),
    (lambda: Value(1e200) * Value(1e200), OverflowError, r"'\*' on 1e\+200, 1e\+200 overflowed"),
    (lambda: Value(10.0) ** 400, OverflowError, "overflowed"),
    (lambda: Value(1.5e308) + 1.5e308, OverflowError, "overflowed"),
    (lambda: Value(math.nan), ValueError, "`data` must be a finite number, got nan"),
    (lambda: Value(-math.inf), ValueError, "`data` must be a finite number, got -inf"),
    (lambda: Value(np.float64("nan")), ValueError, "`data` must be a finite number"),
    (lambda: Value(2.0) ** math.nan, ValueError, "`exponent` must be a finite number"),
    (lambda: (Value(0.0) ** 0.5).backward(), ZeroDivisionError, "derivative of a \\*\\* 0.5 at a = 0 is infinite"),
])
def test_autograd_messages(call, error, match):
    with pytest.raises(error, match=match) as info:
        call()
    assert isinstance(info.value, (ValueError, TypeError))  # house style, and the Python type as well


def test_autograd_valid_powers_unchanged():
    assert (Value(-8.0) ** 3).data == -512.0
    assert (Value(-2.0) ** 2.0).data == 4.0
    assert (Value(4.0) ** 0.5).data == 2.0
    x = Value(3.0)
    (x / Value(2.0)).backward()
    assert x.grad == 0.5
    assert Value(709.0).exp().data == math.exp(709.0)


# -- surfaces ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [["rosenbrock"], None, 3, ("quadratic",)])
def test_surfaces_get_refuses_non_names(bad):
    with pytest.raises(TypeError, match="`name` must be a surface name"):
        surfaces.get(bad)
    with pytest.raises(TypeError, match="`surface` must be a surface name"):
        surfaces.trajectory(bad, SGD(lr=0.1), 3)


def test_surfaces_options_and_points():
    with pytest.raises(TypeError, match=r"Unknown option\(s\) \['kappa'\] for the surface 'rosenbrock'"):
        surfaces.get("rosenbrock", kappa=2)
    with pytest.raises(TypeError, match=r"takes only \['kappa'\]"):
        surfaces.get("quadratic", k=2)
    r = surfaces.rosenbrock()
    with pytest.raises(ValueError, match=r"`theta` must be a point \(x, y\)"):
        r([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="`theta` must be an array of numbers"):
        r.gradient("xy")
    assert r([1, 1]) == 0.0 and surfaces.get("quadratic", kappa=3).name == "quadratic (kappa=3)"


def test_gradcheck_relative_error_and_save_path():
    from nnlearn.gradcheck import relative_error
    with pytest.raises(ValueError, match="`b` must contain only finite numbers"):
        relative_error([1.0, 2.0], [1.0, np.inf])
    with pytest.raises(TypeError, match="`a` must be an array of numbers"):
        relative_error("ab", [1.0, 2.0])
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    for bad in (None, 123):
        with pytest.raises(TypeError, match="`path` must be a file name"):
            save(MLP([2, 1], rng=0), bad)


def test_gradcheck_non_finite_loss_names_model():
    net = MLP([1, 1], rng=0)
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(ValueError, match="finite"):  # the loss or check_gradients refuses
            check_gradients(net, "mse", np.array([[1e200]]), np.array([[0.0]]))


# ---- Exercise checks -----------------------------------------------------------------------------

LAB_MODULES = sorted(m.name for m in pkgutil.iter_modules(exercises.__path__) if m.name.startswith("lab"))


def _questions():
    for name in LAB_MODULES:
        module = importlib.import_module(f"nnlearn.exercises.{name}")
        for qname in module.__all__:
            q = getattr(module, qname)
            if isinstance(q, Question):
                yield pytest.param(q, id=f"{name}.{qname}")


QUESTIONS = list(_questions())


def _incorrect(question, answer):
    """Evaluate ``answer``: it must not raise, must be incorrect, and ``grade`` must raise the same feedback."""
    result = question.evaluate(answer)
    assert result.status == INCORRECT, result
    assert str(result).startswith(f"{question.label}: ✘ incorrect. ")
    assert result.message.strip()
    with pytest.raises(AssertionError) as info:
        question.grade(answer)
    assert str(info.value) == str(result)
    return result.message


def test_every_lab_has_questions():
    assert len(LAB_MODULES) == 13 and len(QUESTIONS) >= 40


# -- a value where the function is expected ------------------------------------------------------
def _a_generator():
    yield 1


NON_CALLABLES = [
    pytest.param(3, "number 3", id="int"),
    pytest.param(0.5, "number 0.5", id="float"),
    pytest.param(True, "boolean True", id="bool"),
    pytest.param("nand_weights", "string ('nand_weights')", id="str"),
    pytest.param((np.array([-1.0, -1.0]), 1.5), "tuple of length 2", id="tuple"),
    pytest.param([1.0, 2.0, 3.0], "list of length 3", id="list"),
    pytest.param({"lr": 0.1}, "dict ({'lr': 0.1})", id="dict"),
    pytest.param(np.zeros((2, 3)), "array of shape (2, 3)", id="array"),
    pytest.param({1, 2}, "set", id="set"),
    pytest.param(_a_generator(), "generator", id="generator"),
    pytest.param(object(), "object", id="object"),
]


@pytest.mark.parametrize("answer, described", NON_CALLABLES)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_non_callable_is_incorrect_and_named(question, answer, described):
    message = _incorrect(question, answer)
    assert "Pass your function itself" in message and "check() expects the function" in message
    assert described in message


@pytest.mark.parametrize("question", [q for q in QUESTIONS if not inspect.signature(q.values[0].reference).parameters])
def test_the_result_instead_of_the_function_is_incorrect(question):
    # check(nand_weights()) instead of check(nand_weights): the realistic slip of the "by hand" questions
    q = question
    result = q.reference()
    message = _incorrect(q, result)
    assert "without calling it" in message and f"check({q.reference.__name__})" in message
    assert f"got a {type(result).__name__} (" in message or f"got a {type(result).__name__} of length" in message


def test_check_with_the_gate_weights_prints_incorrect_and_does_not_raise(monkeypatch, capsys):
    monkeypatch.delenv("NNLEARN_EXPECT", raising=False)
    assert lab02.q4.check(lab02.nand_weights()) is None
    out = capsys.readouterr().out
    assert "✘ incorrect" in out and "check(nand_weights)" in out and "got a tuple of length 2" in out


# -- functions that raise --------------------------------------------------------------------------
class _UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("no message")


def _raise(exc):
    def answer(*args, **kwargs):
        raise exc
    return answer


RAISING = [
    pytest.param(lambda *args, **kwargs: 1 / 0, "ZeroDivisionError", id="zero-division"),
    pytest.param(_raise(KeyError("hidden")), "KeyError", id="key-error"),
    pytest.param(_raise(ValueError("my own message")), "ValueError: my own message", id="value-error"),
    pytest.param(_raise(_UnprintableError()), "_UnprintableError", id="unprintable"),
    pytest.param(lambda: np.zeros(2), "", id="wrong-arity"),  # too few parameters for most questions
    pytest.param(lambda *args, **kwargs: np.ones(2) @ np.ones(3), "ValueError", id="numpy-error"),
]


@pytest.mark.parametrize("answer, name", RAISING)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_function_that_raises_is_incorrect_and_named(question, answer, name):
    result = question.evaluate(answer)
    if result.status == CORRECT:  # pragma: no cover - nothing here is a right answer
        pytest.fail(f"{answer} judged correct")
    message = _incorrect(question, answer)
    if name:
        assert f"Your function raised {name}" in message
    else:  # the zero-argument function: raises TypeError for questions with arguments, returns an array otherwise
        assert "raised TypeError" in message or "array of shape (2,)" in message or "must return" in message


# -- functions that return what the check cannot use ---------------------------------------------
class _Opaque:
    """An object that is no number: a broken ``__array__`` and a broken ``repr``."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __repr__(self):
        raise RuntimeError("no repr")


def _returns(value):
    def answer(*args, **kwargs):
        return value() if callable(value) else value
    return answer


def _generator_function(*args, **kwargs):
    for k in range(3):
        yield np.full(2, float(k))


BAD_RETURNS = [
    pytest.param(_returns({"w": np.ones(2), "b": 0.5}), ("dict",), id="dict"),
    pytest.param(_returns("0.5"), ("string ('0.5')",), id="numeric-string"),
    pytest.param(_returns("sigmoid"), ("string",), id="string"),
    pytest.param(_returns(([1.0, [2.0, 3.0]], [4.0])), ("tuple", "list"), id="ragged-tuple"),
    pytest.param(_returns((np.ones((2, 2)), [1.0, [2.0]], np.ones(2), 0.0)), ("tuple", "list"), id="ragged-4"),
    pytest.param(_returns(None), ("None",), id="none"),
    pytest.param(_returns([None, None, None, None]), ("None",), id="list-of-none"),
    pytest.param(_generator_function, ("generator",), id="generator-function"),
    pytest.param(_returns(lambda: (x for x in range(3))), ("generator",), id="generator-expression"),
    pytest.param(_returns(lambda: map(float, range(3))), ("iterator",), id="map"),
    pytest.param(_returns({0.5, 1.0}), ("set",), id="set"),
    pytest.param(_returns(1 + 2j), ("complex",), id="complex"),
    pytest.param(_returns(np.array(["a", "b"])), ("dtype <U1",), id="array-of-strings"),
    pytest.param(_returns(_Opaque), ("_Opaque",), id="opaque-object"),
    pytest.param(_returns(({}, {}, {}, {})), ("dict", "tuple"), id="tuple-of-dicts"),
]


@pytest.mark.parametrize("answer, words", BAD_RETURNS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_bad_return_value_is_incorrect_and_named(question, answer, words):
    message = _incorrect(question, answer)
    assert "returned" in message or "return" in message or "got" in message, message
    assert any(word in message for word in words), (words, message)


# -- the machinery, on small questions -----------------------------------------------------------
def _double(x):
    return 2 * x


DOUBLE = FunctionQuestion("Q", _double, [(np.array([1.0, -2.0]),)])
PAIR = FunctionQuestion("P", lambda x: (x, 2 * x), [(np.array([1.0, -2.0]),)], n_outputs=2,
                        output_names=("first value", "second value"))


def test_function_question_names_the_output_and_the_expected_shape():
    assert _incorrect(DOUBLE, lambda x: {"y": x}) == \
        "Your function returned a dict ({'y': array([ 1., -2.])}); it must return an array of shape (2,)."
    message = _incorrect(PAIR, lambda x: (x, "2x"))
    assert message == "The second value your function returned is a string ('2x'); it must be an array of shape (2,)."
    assert "must return 2 values (first value, second value), got a generator" in _incorrect(PAIR, lambda x: (v for v in (x, x)))
    assert _incorrect(DOUBLE, 3).startswith("Pass your function itself — without calling it: check() expects the "
                                            "function, e.g. check(_double), got the number 3")


def test_a_custom_judge_that_fails_on_the_returned_value_says_what_was_returned():
    q = Question("C", lambda answer: answer() + 1, reference=lambda: 1)
    assert q.evaluate(lambda: 1).status == CORRECT
    message = _incorrect(q, lambda: {"a": 1})
    assert message.startswith("Your function returned a dict ({'a': 1}), which the check cannot use (TypeError")
    assert _incorrect(q, lambda: 1 / 0) == "Your function raised ZeroDivisionError: division by zero."
    assert "check(my_function)" in _incorrect(q, 5)  # a lambda reference: a generic name in the example


def test_a_judge_that_fails_before_calling_says_so():
    def judge(answer):
        raise KeyError("internal")

    q = Question("C", judge)
    assert _incorrect(q, lambda: 1) == "The check could not use your answer: KeyError: 'internal'."


def test_a_question_whose_answer_is_a_value_opts_out_of_the_callable_check():
    def judge(answer):
        if answer != 42:
            raise Incorrect(f"Not {answer!r}.")

    q = Question("V", judge, callable_answer=False)
    assert q.evaluate(42).status == CORRECT
    assert _incorrect(q, "42") == "Not '42'."
    assert q.evaluate(None).status == "not attempted"


def test_reprs_of_returned_values_are_short():
    message = _incorrect(DOUBLE, lambda x: {"y": list(range(1000))})
    assert len(message) < 200 and "…" in message


# -- hypothesis: arbitrary returned values ---------------------------------------------------------
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5) | st.binary(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.tuples(inner, inner, inner, inner)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8)


@pytest.mark.parametrize("question", QUESTIONS)
@settings(max_examples=15)
@given(value=_values)
def test_any_returned_value_gets_feedback_never_an_exception(question, value):
    result = question.evaluate(lambda *args, **kwargs: value)
    assert result.status == INCORRECT, (value, result)
    assert result.message.strip()
