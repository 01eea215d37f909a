"""ConvolutionExplorer: the feature map is nnlearn's Conv2D cross-correlation (checked by hand and, where
installed, against torch), drawing is in place, the controls drive update, and bad parameters are refused."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from nnlearn.conv import Conv2D
from nnlearn.explore.convolution import KERNELS, ConvolutionExplorer, digit_image, feature_map

from .layered_checks import _full_draw, _pixels, _record_draws, _statics


def by_hand(image, K):
    out = np.zeros((image.shape[0] - 2, image.shape[1] - 2))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(K * image[i:i + 3, j:j + 3])       # no flip: cross-correlation
    return out


def test_digit_image_is_from_load_digits():
    data = load_digits()
    idx = np.flatnonzero(data.target == 7)[4]
    np.testing.assert_array_equal(digit_image(7, 4), data.images[idx] / 16)


@pytest.mark.parametrize("name", list(KERNELS))
def test_feature_map_is_cross_correlation(name):
    r = ConvolutionExplorer(digit=5, sample=2, kernel=name).result
    np.testing.assert_allclose(r["feature_map"], by_hand(digit_image(5, 2), KERNELS[name]), atol=1e-12)
    np.testing.assert_array_equal(r["relu_map"], np.maximum(r["feature_map"], 0))
    assert r["scale"] == pytest.approx(max(np.abs(r["feature_map"]).max(), 1e-12))


def test_custom_kernel_and_flip_matters():
    weights = {f"w{u}{v}": float(3 * u + v - 4) for u in range(3) for v in range(3)}
    r = ConvolutionExplorer(kernel="custom", **weights).result
    K = np.arange(9.0).reshape(3, 3) - 4
    np.testing.assert_array_equal(r["kernel"], K)
    np.testing.assert_allclose(r["feature_map"], by_hand(r["image"], K), atol=1e-12)
    # true convolution flips the kernel and gives a different map for this asymmetric kernel
    assert not np.allclose(r["feature_map"], by_hand(r["image"], K[::-1, ::-1]))
    # the weights are ignored for a preset
    preset = ConvolutionExplorer(kernel="blur", **weights).result
    np.testing.assert_array_equal(preset["kernel"], KERNELS["blur"])


def test_feature_map_uses_conv2d():
    rng = np.random.default_rng(0)
    image, K = rng.normal(size=(7, 6)), rng.normal(size=(3, 3))
    conv = Conv2D(1, 1, 3, rng=0)
    conv.params["W"] = K[None, None]
    np.testing.assert_array_equal(feature_map(image, K), conv.forward(image[None, None])[0, 0])


def test_vertical_edge_kernel_responds_to_vertical_edges():
    image = np.zeros((8, 8))
    image[:, 4:] = 1.0                                            # a vertical edge between columns 3 and 4
    F = feature_map(image, KERNELS["vertical edges"])
    assert np.abs(F[:, 2:4]).min() == 3 and np.abs(F[:, :2]).max() == 0 and np.abs(F[:, 4:]).max() == 0
    assert np.abs(feature_map(image, KERNELS["horizontal edges"])).max() == 0


def test_update_is_pure():
    ex = ConvolutionExplorer()
    a = ex.update(**{**ex.params, "digit": 8})
    b = ex.update(**{**ex.params, "digit": 8})
    np.testing.assert_array_equal(a["feature_map"], b["feature_map"])
    assert ex.fig is None


def test_artists_change_in_place():
    ex = ConvolutionExplorer()
    png = ex.render()
    img, fimg, kimg = ex._img, ex._fimg, ex._kimg
    n_artists = len(ex._ax_f.get_children())
    png2 = ex.redraw(digit=1, kernel="sobel y")
    assert ex._img is img and ex._fimg is fimg and ex._kimg is kimg
    assert len(ex._ax_f.get_children()) == n_artists
    np.testing.assert_array_equal(fimg.get_array(), ex.result["feature_map"])
    np.testing.assert_array_equal(img.get_array(), digit_image(1))
    assert fimg.get_clim() == (-ex.result["scale"], ex.result["scale"])
    assert png2 != png


def test_controls_drive_update():
    pytest.importorskip("ipywidgets")
    ex = ConvolutionExplorer()
    widget = ex.widget()
    assert widget is not None and set(ex._control_map) == set(ex.defaults)
    before = ex._image.value
    ex._control_map["digit"].value = 0
    np.testing.assert_array_equal(ex.result["image"], digit_image(0))
    ex._control_map["kernel"].value = "custom"
    ex._control_map["w00"].value = 2.5
    assert ex.params["w00"] == 2.5 and ex.result["kernel"][0, 0] == 2.5
    np.testing.assert_allclose(ex.result["feature_map"], by_hand(digit_image(0), ex.result["kernel"]), atol=1e-12)
    assert ex._image.value != before


@pytest.mark.parametrize("params, error, match", [
    ({"digit": 10}, ValueError, "digit"),
    ({"digit": 2.0}, TypeError, "digit"),
    ({"sample": 500}, ValueError, "sample"),
    ({"kernel": "laplace"}, ValueError, "kernel"),
    ({"kernel": 3}, TypeError, "kernel"),
    ({"w12": 6.0}, ValueError, "w12"),
])
def test_invalid_parameters_raise(params, error, match):
    with pytest.raises(error, match=match):
        ConvolutionExplorer(**params)


def test_unknown_parameter():
    with pytest.raises(TypeError, match="no parameter"):
        ConvolutionExplorer(stride=2)


# -- layered rendering (nnlearn/explore/_layers.py) ---------------------------------------------


def test_a_move_that_keeps_the_scale_draws_only_what_changed_and_a_new_scale_draws_all():
    ex = ConvolutionExplorer(kernel="identity")
    ex.render()
    statics = _statics(ex)
    assert ex._ax_f.patch in statics and ex.fig.axes[-1].yaxis in statics    # the colour bar
    drawn = _record_draws(statics + sum(ex._ktext, []))
    png = ex.redraw(digit=0)                  # identity kernel: max |F| stays 15/16
    # nothing static is drawn again, nor the unchanged kernel's numbers (kept images)
    assert drawn == [] and ex._layers.rebuilds == 1
    assert np.abs(_pixels(png) - _full_draw(ex, kernel="identity")).max() <= 3
    png = ex.redraw(kernel="sobel x")         # another max |F|: a new colour bar, a full draw
    assert ex._layers.rebuilds == 1 and ex._ax_f.patch in drawn
    assert ex.fig.axes[-1].get_ylim() == (-ex.result["scale"], ex.result["scale"])
    assert np.abs(_pixels(png) - _full_draw(ex, kernel="identity")).max() <= 3
    drawn.clear()
    png = ex.redraw(w00=1.0)                  # same scale again: the layers rebuilt once
    assert ex._layers.rebuilds == 2 and ex._ax_f.patch in drawn
    drawn.clear()
    png = ex.redraw(w00=-1.0)                 # unused by a preset kernel: nothing drawn
    assert drawn == [] and ex._layers.rebuilds == 2
    assert np.abs(_pixels(png) - _full_draw(ex, kernel="identity")).max() <= 3
