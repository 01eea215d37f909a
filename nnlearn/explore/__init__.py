"""The book's interactive pieces.

Two kinds of interactivity live here:

* **flipbooks** (:mod:`nnlearn.explore.flipbook`) for the static pages of the
  book: the figure is precomputed for a grid of parameter values and shown
  with sliders and a play button in plain HTML and inline JavaScript, so it
  keeps working without a kernel, opened from disk or from any web server;
* **explorers** (:class:`~nnlearn.explore.explorer.Explorer` and its
  subclasses) built on ipywidgets for the labs, which need a live kernel.

Importing this subpackage is cheap: matplotlib (and, later, ipywidgets) are
imported only inside the functions that draw, never at import time.
"""

from .activations import ActivationExplorer
from .approximation import ApproximationExplorer
from .backprop import BackpropExplorer
from .classification import KMeansExplorer
from .convolution import ConvolutionExplorer
from .explorer import Explorer
from .flipbook import Flipbook, flipbook
from .initialization import InitializationExplorer
from .losses import LossExplorer
from .network import NetworkExplorer
from .optimizers import OptimizerRace
from .playground import Playground
from .perceptron import PerceptronExplorer
from .regularization import RegularizationExplorer
from .scaling import ScalingExplorer

__all__ = ["flipbook", "Flipbook", "Explorer", "NetworkExplorer", "PerceptronExplorer",
           "ActivationExplorer", "LossExplorer", "BackpropExplorer", "OptimizerRace",
           "ApproximationExplorer", "RegularizationExplorer",
           "InitializationExplorer", "ScalingExplorer", "KMeansExplorer", "Playground",
           "ConvolutionExplorer"]
