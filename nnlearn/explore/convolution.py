r"""Explorer for chapter 13: a 3×3 kernel applied to a handwritten digit.

:class:`ConvolutionExplorer` takes one 8×8 digit from scikit-learn's
``load_digits`` (pixel values scaled to [0, 1]), a 3×3 kernel :math:`K` (a
preset edge detector, blur or sharpen, or nine custom weights) and shows the
input, the kernel and the feature map

.. math::

   F_{i,j} = \sum_{u=0}^{2} \sum_{v=0}^{2} K_{u,v}\, X_{i+u,\,j+v},
   \qquad 0 \le i, j < 6,

computed by :class:`nnlearn.conv.Conv2D` (stride 1, no padding, no bias): the
cross-correlation that neural-network libraries call convolution.
"""

import functools

import numpy as np

from .._validation import check_choice, check_int, check_interval
from ..conv import Conv2D
from ._layers import LayeredExplorer
from .explorer import Explorer

__all__ = ["ConvolutionExplorer", "KERNELS", "digit_image", "feature_map"]

#: The preset kernels, as 3×3 arrays (row = vertical offset u, column = horizontal
#: offset v).
KERNELS = {
    "horizontal edges": np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0],
                                  [-1.0, -1.0, -1.0]]),
    "vertical edges": np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]]),
    "sobel x": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]),
    "sobel y": np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
}

_WEIGHTS = [f"w{u}{v}" for u in range(3) for v in range(3)]


@functools.lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits

    data = load_digits()
    images = data.images / 16.0
    images.setflags(write=False)
    return images, data.target


def digit_image(digit, sample=0):
    """The ``sample``-th image of class ``digit`` in ``load_digits``, shape (8, 8),
    values in [0, 1].

    Examples
    --------
    >>> digit_image(3).shape
    (8, 8)
    """
    digit = check_int(digit, "digit", minimum=0)
    if digit > 9:
        raise ValueError(f"`digit` must be an integer from 0 to 9, got {digit}.")
    sample = check_int(sample, "sample", minimum=0)
    images, target = _digits()
    idx = np.flatnonzero(target == digit)
    if sample >= len(idx):
        raise ValueError(f"`sample` must be below {len(idx)} (the number of {digit}s), "
                         f"got {sample}.")
    return images[idx[sample]]


def feature_map(image, kernel):
    """Cross-correlate one image of shape (h, w) with a kernel of shape (k, k) using
    :class:`~nnlearn.conv.Conv2D`.

    Returns the (h - k + 1, w - k + 1) feature map (no padding, stride 1, no bias).

    Examples
    --------
    >>> feature_map(np.eye(4), KERNELS["identity"])
    array([[1., 0.],
           [0., 1.]])
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    conv = Conv2D(1, 1, kernel.shape, init="zeros")
    conv.params["W"] = kernel[None, None]
    return conv.forward(np.asarray(image, dtype=np.float64)[None, None])[0, 0]


class ConvolutionExplorer(LayeredExplorer):
    r"""A digit, a 3×3 kernel and the feature map it produces.

    Parameters (of ``update`` and the constructor)
    ----------------------------------------------
    digit : int, default 3
        Which class of digit, 0 to 9.
    sample : int, default 0
        Which example of that class, 0 to 99.
    kernel : str, default "vertical edges"
        One of the names in :data:`KERNELS`, or ``"custom"`` to use the nine weights
        below.
    w00, w01, ..., w22 : float, default identity kernel
        The custom kernel's weights :math:`K_{u,v}`, each in [-5, 5]; used only when
        ``kernel="custom"``.

    ``update`` returns a dict with ``"image"`` (8, 8), ``"kernel"`` (3, 3),
    ``"feature_map"`` (6, 6), ``"relu_map"`` (its positive part) and
    ``"scale"`` (the largest absolute value of the feature map, at least 1e-12).

    Examples
    --------
    >>> ex = ConvolutionExplorer(digit=0, kernel="blur")
    >>> ex.result["feature_map"].shape
    (6, 6)
    >>> r = ex.update(**{**ex.params, "kernel": "custom", "w11": 2.0})
    >>> bool(np.allclose(r["feature_map"], 2 * r["image"][1:-1, 1:-1]))
    True
    """

    defaults = {"digit": 3, "sample": 0, "kernel": "vertical edges",
                **{name: (1.0 if name == "w11" else 0.0) for name in _WEIGHTS}}

    def __init__(self, *, figsize=(7.5, 2.6), dpi=80, **params):
        super().__init__(figsize=figsize, dpi=dpi, **params)

    def update(self, digit, sample, kernel, **weights):
        """Compute the image, kernel and feature map; see the class docstring."""
        image = digit_image(digit, sample)
        choices = list(KERNELS) + ["custom"]
        kernel = check_choice(kernel, "kernel", choices, "kernel")
        missing = set(_WEIGHTS) - set(weights)
        if missing or set(weights) - set(_WEIGHTS):
            raise TypeError(f"update() needs the nine weights {_WEIGHTS}, "
                            f"got {sorted(weights)}.")
        values = [check_interval(weights[name], name, -5.0, 5.0, high_closed=True)
                  for name in _WEIGHTS]
        K = np.array(values).reshape(3, 3) if kernel == "custom" else KERNELS[kernel]
        F = feature_map(image, K)
        self.result = {"image": image, "kernel": K, "feature_map": F,
                       "relu_map": np.maximum(F, 0.0),
                       "scale": max(float(np.abs(F).max()), 1e-12), "name": kernel}
        return self.result

    def _init_figure(self, fig):
        ax_img, ax_k, ax_f = fig.subplots(1, 3, width_ratios=[8, 3, 6])
        self._ax_img, self._ax_k, self._ax_f = ax_img, ax_k, ax_f
        self._img = ax_img.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_title("input digit (8×8)", fontsize=9)
        self._kimg = ax_k.imshow(np.zeros((3, 3)), cmap="PuOr", vmin=-1, vmax=1)
        self._ktext = [[ax_k.text(v, u, "", ha="center", va="center", fontsize=8)
                        for v in range(3)]
                       for u in range(3)]
        self._ktitle = ax_k.set_title("kernel", fontsize=9)
        self._fimg = ax_f.imshow(np.zeros((6, 6)), cmap="PuOr", vmin=-1, vmax=1)
        self._ftitle = ax_f.set_title("feature map (6×6)", fontsize=9)
        fig.colorbar(self._fimg, ax=ax_f, shrink=0.8)
        for ax in (ax_img, ax_k, ax_f):
            ax.set_xticks([])
            ax.set_yticks([])
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [self._img, self._kimg, *sum(self._ktext, []),
                                 self._ktitle, self._fimg, self._ftitle]

    def _draw(self, result):
        K, F = result["kernel"], result["feature_map"]
        self._img.set_data(result["image"])
        k_scale = max(float(np.abs(K).max()), 1e-12)
        self._kimg.set_data(K)
        self._kimg.set_clim(-k_scale, k_scale)
        for u in range(3):
            for v in range(3):
                text = self._ktext[u][v]
                text.set_text(f"{K[u, v]:.2g}")
                colour = "white" if abs(K[u, v]) > 0.6 * k_scale else "black"
                if text.get_color() != colour:  # set_color marks it changed anyway
                    text.set_color(colour)
        self._ktitle.set_text(f"kernel: {result['name']}")
        self._fimg.set_data(F)
        self._fimg.set_clim(-result["scale"], result["scale"])
        self._ftitle.set_text(f"feature map, max |F| = {result['scale']:.2g}")

    _shown_scale = None

    def render(self):
        """Draw the current result into the figure and return it as PNG bytes."""
        # A new max |F| changes the colour bar, which matplotlib makes anew (new
        # artists): rebuilding the kept layers would cost more than one full draw.
        last, self._shown_scale = self._shown_scale, self.result["scale"]
        if self._layers is not None and self._shown_scale != last:
            return Explorer.render(self)
        return super().render()

    def _controls(self):
        import ipywidgets as widgets

        p = self.params
        controls = {
            "digit": widgets.IntSlider(value=p["digit"], min=0, max=9,
                                       description="digit"),
            "sample": widgets.IntSlider(value=p["sample"], min=0, max=99,
                                        description="example"),
            "kernel": widgets.Dropdown(value=p["kernel"],
                                       options=list(KERNELS) + ["custom"],
                                       description="kernel"),
        }
        for name in _WEIGHTS:
            controls[name] = widgets.FloatSlider(value=p[name], min=-5, max=5,
                                                 step=0.25, description=name,
                                                 layout=widgets.Layout(width="220px"))
        return controls
