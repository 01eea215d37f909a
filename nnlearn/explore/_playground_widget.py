"""The playground's widget: its controls, Play / Step / Reset, the state string, and the
network view with its selector.

Part of :mod:`nnlearn.explore.playground`: :class:`PlaygroundWidget` is a mixin of
:class:`~nnlearn.explore.playground.Playground`, which draws the figures; nothing here
is needed to train or draw headless.
"""

from ._playground_data import (
    DATASETS,
    FEATURES,
    REGRESSION_DATASETS,
    _check_features,
    _check_hidden,
)
from ._playground_settings import ACTIVATIONS, LOSSES, OPTIMIZERS

__all__ = ["PlaygroundWidget", "LEARNING_RATES", "PENALTIES"]

#: Learning rates offered by the widget (the engine accepts any positive number).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

# The node selector's value for the decision map.
_DECISION_MAP = "decision map"

#: L1 / L2 strengths offered by the widget (the engine accepts any non-negative number).
PENALTIES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


class PlaygroundWidget:
    """The widget of :class:`~nnlearn.explore.playground.Playground` (a mixin)."""

    def _controls(self):
        import ipywidgets as w

        p = self.params
        style = {"description_width": "initial"}
        narrow = w.Layout(width="280px")
        released = {"continuous_update": False, "layout": narrow}  # act on release
        return {
            "dataset": w.Dropdown(
                options=[*((name, name) for name in DATASETS),
                         *((f"{name} (regression)", name)
                           for name in REGRESSION_DATASETS)],
                value=p["dataset"], description="data", layout=narrow),
            "noise": w.FloatSlider(value=p["noise"], min=0, max=2, step=0.1,
                                   description="noise", tooltip="moves the points",
                                   **released),
            "flip": w.FloatSlider(value=p["flip"], min=0, max=0.5, step=0.05,
                                  description="label flips", style=style,
                                  tooltip="probability that a label is wrong",
                                  **released),
            "train_ratio": w.FloatSlider(value=p["train_ratio"], min=0.1, max=0.9,
                                         step=0.1, description="train ratio",
                                         style=style, **released),
            "n_samples": w.IntSlider(value=p["n_samples"], min=50, max=1000, step=50,
                                     description="points", **released),
            "features": w.SelectMultiple(options=list(FEATURES),
                                         value=tuple(_check_features(p["features"])),
                                         description="features", rows=7, layout=narrow),
            "hidden": w.Text(value=", ".join(map(str, _check_hidden(p["hidden"]))),
                             description="hidden", placeholder="e.g. 4, 4",
                             **released),
            "activation": w.Dropdown(options=list(ACTIVATIONS), value=p["activation"],
                                     description="activation", layout=narrow),
            "loss": w.Dropdown(options=list(LOSSES), value=p["loss"],
                               description="loss", layout=narrow),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=p["optimizer"],
                                    description="optimizer", layout=narrow),
            "lr": w.Dropdown(options=sorted(set(LEARNING_RATES) | {p["lr"]}),
                             value=p["lr"], description="lr", layout=narrow),
            "batch_size": w.IntSlider(value=p["batch_size"], min=1, max=100,
                                      description="batch", **released),
            "l1": w.Dropdown(options=sorted(set(PENALTIES) | {p["l1"]}), value=p["l1"],
                             description="L1", layout=narrow),
            "l2": w.Dropdown(options=sorted(set(PENALTIES) | {p["l2"]}), value=p["l2"],
                             description="L2", layout=narrow),
            "dropout": w.FloatSlider(value=p["dropout"], min=0, max=0.5, step=0.05,
                                     description="dropout", **released),
            "discretize": w.Checkbox(value=p["discretize"], indent=False,
                                     description="discretize output",
                                     layout=narrow),
            "show_test": w.Checkbox(value=p["show_test"], indent=False,
                                    description="show test data", layout=narrow),
            "seed": w.BoundedIntText(value=p["seed"], min=0, max=max(10**6, p["seed"]),
                                     description="seed", layout=narrow),
        }

    def _layout(self, controls, image):
        import ipywidgets as w

        from .explorer import _image_class

        style = {"description_width": "initial"}
        self._play = w.Play(value=0, min=0, max=10**9, step=1, interval=100,
                            description="play", show_repeat=False)
        self._play.observe(self._on_play, names="value")
        self._step_button = w.Button(description="step", tooltip="train one epoch",
                                     layout=w.Layout(width="auto"))
        self._step_button.on_click(lambda _: self._advance(1))
        self._reset_button = w.Button(description="reset",
                                      tooltip="start again from the initial weights",
                                      layout=w.Layout(width="auto"))
        self._reset_button.on_click(lambda _: (self.reset(), self.render()))
        buttons = w.HBox([self._play, self._step_button, self._reset_button],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        # The figure takes the width of its column (at most its own pixels), and the two
        # columns wrap: side by side on a wide page, the figure under the controls on a
        # phone, as wide as the page.
        png_width = round(self.figsize[0] * self.dpi)
        image.layout = w.Layout(width="100%", height="auto", max_width=f"{png_width}px")
        panel = w.VBox(list(controls.values()), layout=w.Layout(width="290px"))
        # The state string, to copy; read-only (an edit is undone), kept up to date by
        # update().
        self._state_text = w.Text(value=self.state, description="state",
                                  tooltip="every setting and the seed: "
                                          "Playground(state=...) repeats this run",
                                  layout=w.Layout(width="100%"))
        self._state_text.observe(self._keep_state_text, names="value")
        # The network view, under the figure, and the node the map panel shows.
        self._network_image = _image_class()(format="png")
        # At its own size, smaller only where the column is narrower.
        self._network_image.layout = w.Layout(width="auto", height="auto",
                                              max_width="100%")
        self._node_selector = w.Dropdown(options=self._node_options(),
                                         value=self._selector_value(),
                                         description="map shows", style=style,
                                         layout=w.Layout(width="100%",
                                                         max_width="360px"))
        self._node_selector.observe(self._on_node_selected, names="value")
        self._network_image.value = self.render_network()
        figure = w.VBox([buttons, image, self._node_selector, self._network_image,
                         self._state_text],
                        layout=w.Layout(flex="1 1 300px", min_width="0"))
        return w.HBox([panel, figure], layout=w.Layout(flex_flow="row wrap"))

    def _node_options(self):
        """(label, value) pairs of the node selector: the decision map, then every
        node of the network view.  (The decision map's value is a string, not None,
        which a Dropdown would take for no selection.)"""
        return [("the decision map", _DECISION_MAP),
                *((name, node) for node, name in self.node_names().items())]

    def _selector_value(self):
        return _DECISION_MAP if self.focus is None else self.focus

    def _on_node_selected(self, change):
        node = None if change["new"] == _DECISION_MAP else change["new"]
        if node != self.focus:
            self.show_node(node)
            self.render()

    def _refresh_node_selector(self):
        """After a structural change: the selector lists the new network's nodes."""
        if getattr(self, "_node_selector", None) is None:
            return
        options = self._node_options()
        if list(self._node_selector.options) != options:
            self._node_selector.options = options
        self._node_selector.value = self._selector_value()

    def _keep_state_text(self, change):
        if change["new"] != self.state:
            self._state_text.value = self.state

    def _on_play(self, change):
        if change["new"] != change["old"]:
            self._advance(self.epochs_per_frame)

    def _advance(self, n_epochs):
        """Train ``n_epochs`` and redraw: what Step and every tick of Play do."""
        self.step(n_epochs)
        self.render()
