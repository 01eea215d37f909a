"""flipbook: frames over the grid, their order, the HTML (self-contained, accessible, reproducible), errors."""

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from nnlearn.explore import Flipbook, flipbook
from nnlearn.explore.flipbook import MAX_FRAMES

X = np.linspace(-6, 6, 40)
SMALL = {"figsize": (1.6, 1.2), "dpi": 25}  # tiny frames: the tests check logic, not looks


def sigmoid_draw(ax, w, b=0.0):
    ax.plot(X, 1 / (1 + np.exp(-(w * X + b))))
    ax.set_xlim(-6, 6)
    ax.set_ylim(-0.05, 1.05)


def colour_draw(ax, a, b):
    """Fill the whole axes with the colour (a, b, 0), so the image shows which values it was drawn for."""
    from matplotlib.patches import Rectangle

    ax.set_position([0, 0, 1, 1])
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, color=(a, b, 0)))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)


def centre_pixel(png):
    import io

    import matplotlib.image

    image = matplotlib.image.imread(io.BytesIO(png))
    return image[image.shape[0] // 2, image.shape[1] // 2, :3]


@pytest.fixture(scope="module")
def two_params():
    return flipbook(sigmoid_draw, {"w": [0.5, 1.0, 2.0], "b": [-2, 0, 2, 4]}, alt="Sigmoid of w·x + b",
                    caption="Weight & bias <of> one neuron", **SMALL)


# -- frames --------------------------------------------------------------------------------------

def test_one_frame_per_grid_point(two_params):
    assert len(two_params.frames) == len(two_params) == 12
    assert two_params.shape == (3, 4)
    assert two_params.params == {"w": [0.5, 1.0, 2.0], "b": [-2, 0, 2, 4]}
    assert all(isinstance(f, bytes) and f.startswith(b"\x89PNG") for f in two_params.frames)
    one = flipbook(sigmoid_draw, {"w": np.linspace(0.5, 5, 7)}, alt="Sigmoid", **SMALL)
    assert len(one.frames) == 7 and one.shape == (7,)


def test_integer_grids_stay_integers(two_params):
    assert all(type(b) is int for b in two_params.params["b"])
    assert all(type(w) is float for w in two_params.params["w"])


def test_frames_differ_exactly_when_the_drawing_depends_on_the_parameter():
    fb = flipbook(lambda ax, w, unused: sigmoid_draw(ax, w), {"w": [1.0, 3.0], "unused": [0, 1, 2]},
                  alt="Sigmoid", **SMALL)
    f = fb.frames
    assert f[0] == f[1] == f[2] and f[3] == f[4] == f[5]  # `unused` changes nothing
    assert f[0] != f[3]                                     # `w` changes the curve


def test_frames_are_row_major_with_the_last_parameter_fastest():
    a_values, b_values = [0.0, 1.0], [0.0, 0.5, 1.0]
    fb = flipbook(colour_draw, {"a": a_values, "b": b_values}, alt="Colour", **SMALL)
    assert fb.values_at(0) == {"a": 0.0, "b": 0.0}
    assert fb.values_at(1) == {"a": 0.0, "b": 0.5}
    assert fb.values_at(3) == {"a": 1.0, "b": 0.0}
    for k, png in enumerate(fb.frames):
        v = fb.values_at(k)
        np.testing.assert_allclose(centre_pixel(png), [v["a"], v["b"], 0.0], atol=1 / 255 + 1e-9)
        assert fb.index_of(**v) == k


def test_draw_is_called_in_frame_order_on_a_freshly_cleared_axes():
    calls = []

    def draw(ax, w, b):
        calls.append(({"w": w, "b": b}, len(ax.lines), id(ax.figure)))
        ax.plot([0, 1], [w, b])

    fb = flipbook(draw, {"w": [1, 2], "b": [5, 6, 7]}, alt="Lines", **SMALL)
    assert [c[0] for c in calls] == [fb.values_at(k) for k in range(6)]
    assert all(n_lines == 0 for _, n_lines, _ in calls)  # ax.clear() before every frame
    assert len({fig for _, _, fig in calls}) == 1          # one Figure, reused


def test_use_figure_passes_a_cleared_figure():
    seen = []

    def draw(fig, w):
        seen.append((type(fig).__name__, len(fig.axes)))
        left, right = fig.subplots(1, 2)
        left.plot(X, w * X)
        right.plot(X, -w * X)

    fb = flipbook(draw, {"w": [1.0, 2.0, 3.0]}, alt="Two panels", use_figure=True, **SMALL)
    assert seen == [("Figure", 0)] * 3
    assert len(set(fb.frames)) == 3


def test_frame_size_follows_figsize_and_dpi():
    fb = flipbook(sigmoid_draw, {"w": [1.0]}, alt="Sigmoid", figsize=(2, 1.5), dpi=40)
    assert 'width="80" height="60"' in fb.html()


def test_an_error_in_draw_says_which_frame():
    def draw(ax, w):
        if w > 1:
            raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom") as info:
        flipbook(draw, {"w": [0.0, 1.0, 2.0]}, alt="Nothing", **SMALL)
    if sys.version_info >= (3, 11):
        assert "frame 2" in "".join(info.value.__notes__) and "'w': 2.0" in "".join(info.value.__notes__)


def test_rendering_is_reproducible():
    a = flipbook(sigmoid_draw, {"w": [1.0, 2.0]}, alt="Sigmoid", **SMALL)
    b = flipbook(sigmoid_draw, {"w": [1.0, 2.0]}, alt="Sigmoid", **SMALL)
    assert a.frames == b.frames
    assert all(b"Software" not in f for f in a.frames)  # no version string in the PNGs


# -- HTML ------------------------------------------------------------------------------------------

def page_data(html):
    match = re.search(r'<script type="application/json" class="nnlearn-flipbook-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_html_has_one_slider_per_parameter_with_the_right_range(two_params):
    html = two_params.html()
    sliders = re.findall(r'<input type="range" min="0" max="(\d+)" step="1" value="0" data-param="(\w+)"', html)
    assert sliders == [("2", "w"), ("3", "b")]
    assert html.count("<input") == 2 and html.count("<output>") == 2 and html.count("<button") == 1
    assert "<label>w = <output>0.5</output>" in html and "<label>b = <output>-2</output>" in html


def test_html_carries_alt_text_caption_and_frame_marker(two_params):
    html = two_params.html()
    assert 'alt="Sigmoid of w·x + b (w = 0.5, b = -2)"' in html
    assert 'data-frame="0"' in html
    assert "<figcaption>Weight &amp; bias &lt;of&gt; one neuron</figcaption>" in html
    data = page_data(html)
    assert data["alt"] == "Sigmoid of w·x + b"
    assert data["sizes"] == [3, 4] and data["names"] == ["w", "b"]
    assert data["labels"] == [["0.5", "1", "2"], ["-2", "0", "2", "4"]]
    assert len(data["frames"]) == 12 and all(f.startswith("data:image/png;base64,") for f in data["frames"])
    assert data["interval"] == 150 and data["loop"] is True


def test_html_is_self_contained(two_params):
    html = two_params.html()
    assert "http://" not in html and "https://" not in html
    assert "<script src" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert html.count("<script") == 2 and html.count("</script>") == 2  # the JSON cannot close its element
    assert two_params._repr_html_() == html


def test_text_that_looks_like_markup_is_escaped():
    fb = flipbook(sigmoid_draw, {"w": [1.0]}, alt='a "quoted" </script> alt', caption="<b>bold</b>", **SMALL)
    html = fb.html()
    assert html.count("</script>") == 2
    assert "<b>" not in html and 'alt="a &quot;quoted&quot; &lt;/script&gt; alt (w = 1)"' in html
    assert page_data(html)["alt"] == 'a "quoted" </script> alt'


def test_no_play_button_when_the_first_parameter_has_one_value():
    fb = flipbook(sigmoid_draw, {"w": [1.0], "b": [0.0, 1.0]}, alt="Sigmoid", **SMALL)
    assert "<button" not in fb.html() and fb.html().count('type="range"') == 2


def test_labels_have_enough_digits_to_tell_values_apart():
    fb = Flipbook([_png()] * 3, {"x": [1.00001, 1.00002, 1.00003]}, alt="x")
    assert page_data(fb.html())["labels"] == [["1.00001", "1.00002", "1.00003"]]
    fb = Flipbook([_png()] * 3, {"x": np.linspace(0.1, 0.3, 3)}, alt="x")
    assert page_data(fb.html())["labels"] == [["0.1", "0.2", "0.3"]]


def test_ids_are_deterministic_and_depend_on_the_content():
    def make(alt="Sigmoid", grid=(1.0, 2.0), **kw):
        return flipbook(sigmoid_draw, {"w": list(grid)}, alt=alt, **SMALL, **kw)

    first, again = make(), make()
    assert re.fullmatch(r"nnlearn-flipbook-[0-9a-f]{12}", first.id)
    assert first.id == again.id and first.html() == again.html()
    assert f'id="{first.id}"' in first.html() and f'("{first.id}")' in first.html()
    others = [make(alt="Sigmoid!"), make(grid=(1.0, 3.0)), make(interval=300), make(loop=False), make(caption="c")]
    assert len({first.id} | {o.id for o in others}) == 6


def test_save_writes_a_standalone_page(tmp_path, two_params):
    path = two_params.save(tmp_path / "sigmoid.html")
    text = path.read_text(encoding="utf-8")
    assert path == tmp_path / "sigmoid.html"
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert two_params.html() in text
    assert "http://" not in text and "https://" not in text
    assert two_params.save(str(tmp_path / "again.html")).read_text(encoding="utf-8") == text


# -- the page's JavaScript, run in node against a minimal stand-in for the DOM ----------------------------

NODE_HARNESS = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
function el() {
  return {attrs: {}, value: "0", textContent: "", hidden: true, listeners: {},
          setAttribute(k, v) { this.attrs[k] = String(v); },
          getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
          addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); },
          fire(t) { (this.listeners[t] || []).forEach(f => f()); }};
}
const img = el(), controls = el(), data = {textContent: input.json}, root = el();
const inputs = input.sizes.map(el), outputs = input.sizes.map(el), button = input.button ? el() : null;
if (button) button.textContent = "Play";  // as in the HTML
root.id = input.id;
root.querySelector = s => s.startsWith("script") ? data : s === "img" ? img : s === "button" ? button : controls;
root.querySelectorAll = s => s.startsWith("input") ? inputs : outputs;
let tick = null, delay = null;
global.setInterval = (f, ms) => { tick = f; delay = ms; return 1; };
global.clearInterval = () => { tick = null; };
global.document = {currentScript: {parentNode: root}, getElementById: () => root};
eval(input.js);
const states = [];
for (const [action, i, value] of input.actions) {
  if (action === "set") { inputs[i].value = String(value); inputs[i].fire("input"); }
  if (action === "click") button.fire("click");
  if (action === "tick") tick();
  states.push({frame: Number(img.getAttribute("data-frame")), alt: img.alt, outputs: outputs.map(o => o.textContent),
               valuetext: inputs.map(x => x.getAttribute("aria-valuetext")), playing: tick !== null,
               button: button && button.textContent,
               label: button && button.getAttribute("aria-label"), delay: delay, hidden: controls.hidden});
}
console.log(JSON.stringify(states));
"""


def run_page_script(fb, actions):
    html = fb.html()
    js = re.findall(r"<script>(.*?)</script>", html, re.S)[-1]
    json_text = re.search(r'class="nnlearn-flipbook-data">(.*?)</script>', html, re.S).group(1)
    payload = {"js": js, "json": json_text, "id": fb.id, "sizes": list(fb.shape),
               "button": "<button" in html, "actions": [["none", 0, 0]] + actions}
    out = subprocess.run(["node", "-e", NODE_HARNESS], input=json.dumps(payload), capture_output=True,
                         text=True, check=True, timeout=60).stdout
    return json.loads(out)


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@needs_node
def test_moving_a_slider_shows_the_matching_frame(two_params):
    states = run_page_script(two_params, [["set", 1, 3], ["set", 0, 2], ["set", 1, 0]])
    assert [s["frame"] for s in states] == [0, 3, 11, 8]
    assert all(not s["hidden"] for s in states)  # the controls appear once the script runs
    for s in states:
        v = two_params.values_at(s["frame"])
        text = [f"{v['w']:g}", f"{v['b']:g}"]
        assert s["outputs"] == s["valuetext"] == text
        assert s["alt"] == f"Sigmoid of w·x + b (w = {text[0]}, b = {text[1]})"


@needs_node
def test_play_steps_the_first_parameter_and_wraps(two_params):
    states = run_page_script(two_params, [["set", 1, 2], ["click"], ["tick"], ["tick"], ["tick"], ["click"]])
    assert [s["frame"] for s in states] == [0, 2, 2, 6, 10, 2, 2]
    assert [s["playing"] for s in states] == [False, False, True, True, True, True, False]
    assert [s["button"] for s in states] == ["Play", "Play", "Pause", "Pause", "Pause", "Pause", "Play"]
    assert states[2]["label"] == "Pause" and states[-1]["label"] == "Play: step through w"
    assert states[2]["delay"] == 150


@needs_node
def test_play_without_loop_stops_at_the_last_value():
    fb = flipbook(sigmoid_draw, {"w": [1.0, 2.0, 3.0]}, alt="Sigmoid", loop=False, interval=40, **SMALL)
    states = run_page_script(fb, [["click"], ["tick"], ["tick"], ["click"], ["tick"]])
    assert [s["frame"] for s in states] == [0, 0, 1, 2, 0, 1]  # stops at the end; Play again restarts
    assert [s["playing"] for s in states] == [False, True, True, False, True, True]
    assert states[1]["delay"] == 40


# -- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, error, match", [
    ([("w", [1, 2])], TypeError, r"`params` must be a dict"),
    ({}, ValueError, r"`params` must have 1 or 2 entries .*got 0"),
    ({"a": [1], "b": [1], "c": [1]}, ValueError, r"1 or 2 entries .*got 3: \['a', 'b', 'c'\]"),
    ({"learning rate": [1, 2]}, TypeError, r"Python identifiers.*'learning rate'"),
    ({1: [1, 2]}, TypeError, r"`params` keys must be parameter names"),
    ({"w": []}, ValueError, r"`params\['w'\]` must hold at least one value"),
    ({"w": 3.0}, ValueError, r"`params\['w'\]` must be a 1-D array"),
    ({"w": [[1, 2], [3, 4]]}, ValueError, r"`params\['w'\]` must be a 1-D array"),
    ({"w": ["a", "b"]}, TypeError, r"`params\['w'\]` must contain real numbers"),
    ({"w": "ab"}, TypeError, r"`params\['w'\]` must be an array of numbers"),
    ({"w": [1.0, np.nan]}, ValueError, r"`params\['w'\]` must contain only finite numbers"),
    ({"w": range(21), "b": range(20)}, ValueError, rf"at most {MAX_FRAMES} frames .*21 x 20 = 420.*fewer values"),
])
def test_bad_params_are_rejected(params, error, match):
    with pytest.raises(error, match=match):
        flipbook(sigmoid_draw, params, alt="Sigmoid", **SMALL)


def test_the_frame_limit_is_inclusive():
    fb = Flipbook([_png()] * MAX_FRAMES, {"a": range(20), "b": range(MAX_FRAMES // 20)}, alt="many")
    assert len(fb) == MAX_FRAMES


@pytest.mark.parametrize("kwargs, error, match", [
    ({"draw": "sigmoid"}, TypeError, r"`draw` must be a function"),
    ({"alt": None}, TypeError, r"`alt` must be a string"),
    ({"alt": "  "}, ValueError, r"`alt` must describe the figure"),
    ({"caption": 3}, TypeError, r"`caption` must be a string or None"),
    ({"figsize": 6}, TypeError, r"`figsize` must be a pair"),
    ({"figsize": (6, 4, 1)}, TypeError, r"`figsize` must be a pair"),
    ({"figsize": (6, 0)}, ValueError, r"`figsize\[1\]` must be positive"),
    ({"dpi": -1}, ValueError, r"`dpi` must be positive"),
    ({"interval": 0}, ValueError, r"`interval` must be an integer >= 1"),
    ({"interval": 0.5}, TypeError, r"`interval` must be an integer"),
])
def test_bad_arguments_are_rejected_before_drawing(kwargs, error, match):
    calls = []
    args = {"draw": lambda ax, w: calls.append(w), "alt": "Sigmoid", **SMALL, **kwargs}
    draw = args.pop("draw")
    with pytest.raises(error, match=match):
        flipbook(draw, {"w": [1.0, 2.0]}, **args)
    assert calls == []


def test_flipbook_checks_its_frames_and_index():
    with pytest.raises(ValueError, match=r"one image per grid point, 2 x 3 = 6, got 5"):
        Flipbook([_png()] * 5, {"a": [1, 2], "b": [1, 2, 3]}, alt="x")
    with pytest.raises(TypeError, match=r"`frames\[1\]` must be a PNG image as bytes, got bytes that is not"):
        Flipbook([_png(), b"GIF89a"], {"a": [1, 2]}, alt="x")
    with pytest.raises(TypeError, match=r"`frames` must be a list of PNG images"):
        Flipbook(_png(), {"a": [1]}, alt="x")
    fb = Flipbook([_png()] * 2, {"a": [1, 2]}, alt="x")
    with pytest.raises(ValueError, match=r"`index` must be < 2"):
        fb.values_at(2)
    with pytest.raises(ValueError, match=r"`index` must be an integer >= 0"):
        fb.values_at(-1)
    with pytest.raises(ValueError, match=r"`a` must be one of the grid values \[1, 2\], got 3"):
        fb.index_of(a=3)
    with pytest.raises(TypeError, match=r"needs exactly the parameters \['a'\]"):
        fb.index_of(b=1)


def _png():
    from nnlearn.explore.flipbook import _BLANK_PNG

    return _BLANK_PNG


# -- imports ---------------------------------------------------------------------------------------

def test_import_explore_loads_no_plotting_or_widgets():
    code = ("import sys, nnlearn.explore, nnlearn.explore.flipbook; "
            "print(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_drawing_does_not_use_pyplot():
    code = ("import sys; from nnlearn.explore import flipbook; "
            "fb = flipbook(lambda ax, w: ax.plot([0, w]), {'w': [1, 2]}, alt='x', figsize=(1, 1), dpi=10); "
            "print(len(fb.frames), 'matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["2", "True", "False"]
