"""flipbook: frames over the grid, their order, compact storage, the HTML (self-contained,
accessible, reproducible, lazy), print and phone styles, text sizes, the book's Sphinx extension,
errors."""

import base64
import hashlib
import importlib.util
import io
import json
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nnlearn.explore import Flipbook, flipbook
from nnlearn.explore.flipbook import MAX_FRAMES, MIN_TEXT_PX, PHONE_WIDTH_PX

ROOT = pathlib.Path(__file__).resolve().parents[1]

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


# -- compact frames, text sizes --------------------------------------------------------------------

def agg_render(draw, figsize=(3, 2), dpi=60):
    """The RGBA pixels and matplotlib's own (full-colour) PNG of a figure drawn by ``draw(ax)``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    draw(fig.add_subplot())
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba()).copy()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return rgba, buffer.getvalue()


def decode(png):
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.mode, np.asarray(image.convert("RGBA")).astype(int)


def test_a_colourful_frame_is_stored_as_a_smaller_palette_png_that_looks_the_same():
    from nnlearn.explore.flipbook import _compact_png

    def draw(ax):  # a smooth colour ramp under anti-aliased curves: thousands of colours
        ax.imshow(np.linspace(0, 1, 64 * 64).reshape(64, 64), cmap="viridis", aspect="auto",
                  extent=(-6, 6, -1.5, 1.5))
        for k in range(4):
            ax.plot(X, np.sin(X + k), lw=1.5)
        ax.set_title("w = 1")

    rgba, full_colour = agg_render(draw)
    assert len(np.unique(rgba.reshape(-1, 4), axis=0)) > 256  # more than a palette holds
    png = _compact_png(rgba)
    mode, pixels = decode(png)
    assert mode == "P" and pixels.shape == rgba.shape
    error = np.abs(pixels[..., :3] - rgba[..., :3])
    assert error.mean() <= 2 and error.max() <= 16  # of 255: differences at most ~6% on an edge
    assert (pixels[..., 3] == 255).all()
    assert len(png) < len(full_colour) / 2


def test_a_frame_with_few_colours_is_stored_exactly_and_made_opaque_on_white():
    from nnlearn.explore.flipbook import _compact_png

    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, size=(200, 3))
    rgba = np.concatenate([palette[rng.integers(0, 200, size=(30, 40))],
                           np.full((30, 40, 1), 255)], axis=2).astype(np.uint8)
    mode, pixels = decode(_compact_png(rgba))
    assert mode == "P" and np.array_equal(pixels, rgba)  # 200 colours: lossless
    rgba[0, 0] = [0, 0, 0, 0]        # transparent -> white
    rgba[0, 1] = [0, 0, 0, 128]      # half-transparent black -> grey
    _, pixels = decode(_compact_png(rgba))
    assert pixels[0, 0].tolist() == [255, 255, 255, 255]
    assert pixels[0, 1].tolist() == [127, 127, 127, 255]


def test_frames_are_palette_pngs_of_the_drawing():
    fb = flipbook(colour_draw, {"a": [0.0, 1.0], "b": [0.5]}, alt="Colour", **SMALL)
    assert all(decode(f)[0] == "P" for f in fb.frames)
    np.testing.assert_allclose(centre_pixel(fb.frames[1]), [1.0, 0.5, 0.0], atol=1 / 255 + 1e-9)


def test_frames_given_to_flipbook_are_made_compact_unless_asked_not_to():
    def draw(ax):
        ax.imshow(np.linspace(0, 1, 32 * 32).reshape(32, 32), cmap="viridis")
        ax.plot([0, 31], [0, 31], lw=3)

    rgba, full_colour = agg_render(draw)
    blank = _png()
    fb = Flipbook([full_colour, full_colour, blank], {"a": [1, 2, 3]}, alt="x")
    assert fb.frames[0] is fb.frames[1] and decode(fb.frames[0])[0] == "P"
    assert len(fb.frames[0]) < len(full_colour) / 2
    error = np.abs(decode(fb.frames[0])[1][..., :3] - rgba[..., :3])
    assert error.mean() <= 2 and error.max() <= 16
    assert fb.frames[2] == blank  # a palette version would not be smaller: kept as given
    kept = Flipbook([full_colour, full_colour, blank], {"a": [1, 2, 3]}, alt="x", compact=False)
    assert kept.frames == [full_colour, full_colour, blank]


def test_min_text_px_is_the_smallest_text_drawn():
    def draw(ax, w):
        sigmoid_draw(ax, w)
        ax.set_title("Sigmoid")
        ax.text(0, 0.5, "note", fontsize=6 if w > 1 else 8)   # the smallest, in the last frame
        ax.text(0, 0.2, "hidden", fontsize=3, visible=False)  # not drawn
        ax.text(0, 0.2, "   ", fontsize=2)                    # nothing to read
        ax.text(500, 0.5, "far away", fontsize=4, in_layout=False)  # drawn outside the image

    fb = flipbook(draw, {"w": [1.0, 2.0]}, alt="Sigmoid", figsize=(3, 2), dpi=50)
    assert fb.min_text_px == pytest.approx(6 * 50 / 72)
    assert 'data-min-text-px="4.17"' in fb.html()
    assert "data-min-text-px" not in Flipbook([_png()], {"a": [1]}, alt="x").html()


def test_min_text_px_of_a_figure_drawn_elsewhere():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from nnlearn.explore.flipbook import min_text_px

    fig = Figure(figsize=(3, 2), dpi=50)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    assert min_text_px(Figure(figsize=(1, 1), dpi=50)) is None  # no text at all
    ax.set(xticks=[], yticks=[])
    ax.text(0.5, 0.5, "note", fontsize=7)
    ax.text(0.5, 0.2, "hidden", fontsize=3, visible=False)       # not drawn
    ax.text(50, 0.5, "far away", fontsize=4)                     # outside the image
    assert min_text_px(fig) == pytest.approx(7 * 50 / 72)
    assert fig.canvas is canvas                                  # its canvas is kept
    ax.set_title("title", fontsize=5)
    assert min_text_px(fig) == pytest.approx(5 * 50 / 72)
    with pytest.raises(TypeError, match=r"`fig` must be a matplotlib Figure"):
        min_text_px(ax)


@pytest.mark.parametrize("width", [3.0, 6.0, 8.4])
def test_default_text_is_readable_on_a_phone(width):
    import matplotlib

    def draw(ax, w):
        sigmoid_draw(ax, w)
        ax.set_xlabel("x")
        ax.plot(X, X * 0, label="zero")
        ax.legend()

    before = matplotlib.rcParams["font.size"]
    fb = flipbook(draw, {"w": [1.0]}, alt="Sigmoid", figsize=(width, 2.5), dpi=50)
    png_width = int.from_bytes(fb.frames[0][16:20], "big")
    assert png_width == width * 50
    assert fb.min_text_px * PHONE_WIDTH_PX / png_width >= MIN_TEXT_PX - 1e-9  # >= 9 px on a phone
    phone_points = 1.05 * MIN_TEXT_PX * 72 * width / PHONE_WIDTH_PX  # 5% margin
    assert fb.min_text_px == pytest.approx(max(before, phone_points) * 50 / 72)  # not larger
    assert matplotlib.rcParams["font.size"] == before  # the setting is restored
    small = flipbook(draw, {"w": [1.0]}, alt="Sigmoid", figsize=(width, 2.5), dpi=50, font_size=6)
    assert small.min_text_px == pytest.approx(6 * 50 / 72)  # a size chosen by the chapter is kept


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
    assert data["frames"] == list(range(12))  # 12 different frames, each its own image
    assert data["images"][0] is None            # frame 0 is the <img src> itself
    assert all(f.startswith("data:image/png;base64,") for f in data["images"][1:])
    assert data["interval"] == 150 and data["loop"] is True


def test_identical_frames_are_stored_once():
    from nnlearn.explore.flipbook import _data_uri

    fb = flipbook(lambda ax, w, unused: sigmoid_draw(ax, w), {"w": [1.0, 3.0], "unused": [0, 1, 2]},
                  alt="Sigmoid", **SMALL)
    html = fb.html()
    data = page_data(html)
    assert data["frames"] == [0, 0, 0, 1, 1, 1] and len(data["images"]) == 2
    assert html.count("data:image/png;base64,") == 2
    assert html.count(_data_uri(fb.frames[0])) == html.count(_data_uri(fb.frames[3])) == 1


def test_the_first_frame_is_a_plain_image_and_the_others_wait_in_the_data(two_params):
    from nnlearn.explore.flipbook import _data_uri

    html = two_params.html()
    img = re.search(r"<img [^>]*>", html).group(0)
    assert f'src="{_data_uri(two_params.frames[0])}"' in img and "loading=" not in img
    assert html.index("<img ") < html.index("<script")  # shown before any script runs
    data = page_data(html)
    assert data["images"][1:] == [_data_uri(f) for f in two_params.frames[1:]]
    assert html.count("data:image/png;base64,") == 12


def test_print_and_phone_styles_are_in_the_css(two_params):
    css = re.search(r"<style>(.*?)</style>", two_params.html(), re.S).group(1)
    print_css = css.split("@media print{", 1)[1]
    hidden = (".nnlearn-flipbook-controls input,.nnlearn-flipbook-controls button"
              "{display:none!important}")
    assert hidden in print_css
    assert ".nnlearn-flipbook img{display:block;max-width:100%;height:auto}" in css


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
img.attrs.src = input.first;  // as in the HTML
const preloads = [];
global.Image = function () { preloads.push(this); };
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
  if (action === "focus") root.fire("focusin");
  states.push({frame: Number(img.getAttribute("data-frame")), src: img.getAttribute("src"),
               preloaded: preloads.map(p => p.src), alt: img.alt,
               outputs: outputs.map(o => o.textContent),
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
    first = re.search(r'<img src="([^"]*)"', html).group(1)
    payload = {"js": js, "json": json_text, "id": fb.id, "sizes": list(fb.shape), "first": first,
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


@needs_node
def test_frames_load_when_shown_or_when_the_reader_comes_neighbours_first(two_params):
    from nnlearn.explore.flipbook import _data_uri

    uri = [_data_uri(f) for f in two_params.frames]
    frame_of = {u: k for k, u in enumerate(uri)}
    # (w, b) grid 3 x 4: frame = 4 w + b.
    states = run_page_script(two_params, [["set", 1, 2], ["focus"], ["set", 0, 2], ["focus"]])
    assert [s["src"] for s in states] == [uri[s["frame"]] for s in states]  # the frame's image
    assert [s["frame"] for s in states] == [0, 2, 2, 10, 10]
    assert states[0]["preloaded"] == []  # nothing but the first frame before the reader comes
    # A move preloads the new frame's neighbours: (0, 1), (0, 3), and (1, 2).
    assert sorted(frame_of[u] for u in states[1]["preloaded"]) == [1, 3, 6]
    # The reader comes to the flipbook: every frame not yet loaded, each once, nearest to frame 2
    # first (frames 0 and 2 have been shown).
    warm = [frame_of[u] for u in states[2]["preloaded"][3:]]
    assert sorted(warm) == [4, 5, 7, 8, 9, 10, 11]
    assert [abs(k - 2) for k in warm] == sorted(abs(k - 2) for k in warm)
    assert states[4]["preloaded"] == states[2]["preloaded"]  # nothing is requested twice


@needs_node
def test_a_flipbook_with_repeated_frames_preloads_each_image_once():
    from nnlearn.explore.flipbook import _data_uri

    fb = flipbook(lambda ax, w, unused: sigmoid_draw(ax, w), {"w": [1.0, 3.0], "unused": [0, 1, 2]},
                  alt="Sigmoid", **SMALL)
    states = run_page_script(fb, [["focus"], ["set", 0, 1]])
    assert states[1]["preloaded"] == [_data_uri(fb.frames[3])]  # the other image; 1st is shown
    assert states[2]["src"] == _data_uri(fb.frames[3])
    assert states[2]["preloaded"] == states[1]["preloaded"]


def test_print_hides_the_controls_and_a_phone_scales_the_image(browser, tmp_path):
    fb = flipbook(sigmoid_draw, {"w": [1.0, 2.0, 3.0]}, alt="Sigmoid", figsize=(6, 3), dpi=100)
    path = fb.save(tmp_path / "sigmoid.html")
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        image, slider = page.locator(".nnlearn-flipbook img"), page.locator("input[type=range]")
        body_width = page.evaluate("document.body.clientWidth")
        box = image.bounding_box()
        assert body_width < 600 and box["width"] == pytest.approx(body_width, abs=1)  # shrunk
        assert box["height"] == pytest.approx(box["width"] / 2, abs=1)
        assert slider.is_visible() and page.locator("button").is_visible()
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.emulate_media(media="print")
        assert not slider.is_visible() and not page.locator("button").is_visible()
        assert image.is_visible() and image.get_attribute("data-frame") == "1"  # current frame
        assert page.locator("label").inner_text().split() == ["w", "=", "2"]    # with its value
        page.emulate_media(media="screen")
        assert slider.is_visible()
    finally:
        context.close()


# -- the book's Sphinx extension (book/_ext/flipbook_files.py) ------------------------------------

def load_extension():
    path = ROOT / "book" / "_ext" / "flipbook_files.py"
    spec = importlib.util.spec_from_file_location("flipbook_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_externalise_replaces_only_the_png_uris_inside_flipbooks():
    from nnlearn.explore.flipbook import _data_uri

    ext = load_extension()
    one = Flipbook([_png(), _png()], {"a": [1, 2]}, alt="one").html()
    fb = flipbook(sigmoid_draw, {"w": [1.0, 2.0]}, alt="two", **SMALL)
    outside = f'<img alt="not a flipbook" src="{_data_uri(_png())}">'
    not_png = "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode()
    body = one + outside + fb.html().replace("</style>", f"</style><!-- {not_png} -->")
    written = {}
    new, count = ext.externalise(body, written.__setitem__,
                                 lambda name: f"../_images/flipbook/{name}")
    assert count == 1 + 2  # the blank PNG once (its JSON holds null), both frames of the other
    assert sorted(written.values()) == sorted([_png()] + fb.frames)
    assert all(name == hashlib.sha256(png).hexdigest() + ".png" for name, png in written.items())
    assert new.count("data:image/png;base64,") == 2  # the image outside, the non-PNG: kept
    assert outside in new and not_png in new
    second = page_data(new.split(outside)[1])
    assert second["images"][1] == f"../_images/flipbook/{sha(fb.frames[1])}.png"


def sha(png):
    return hashlib.sha256(png).hexdigest()


def test_the_extension_writes_the_frames_as_files_of_the_site(tmp_path):
    from nnlearn.explore.flipbook import _data_uri

    fb = flipbook(lambda ax, w, unused: sigmoid_draw(ax, w), {"w": [1.0, 3.0], "unused": [0, 1]},
                  alt="Sigmoid", **SMALL)
    source = tmp_path / "src"
    (source / "part").mkdir(parents=True)
    extension_folder = str(ROOT / "book" / "_ext")
    (source / "conf.py").write_text(f"import sys\nsys.path.insert(0, {extension_folder!r})\n"
                                    "extensions = ['flipbook_files']\n")
    (source / "index.rst").write_text("Book\n====\n\n.. toctree::\n\n   part/chapter\n")
    raw = textwrap.indent(fb.html() + f'\n<img alt="plain" src="{_data_uri(_png())}">', "   ")
    (source / "part" / "chapter.rst").write_text(f"Chapter\n=======\n\n.. raw:: html\n\n{raw}\n")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(source),
                             str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    page = (out / "part" / "chapter.html").read_text()
    assert page.count("data:image/png;base64,") == 1  # only the image that is not a flipbook's
    files = sorted((out / "_images" / "flipbook").glob("*.png"))
    assert sorted(f.read_bytes() for f in files) == sorted(set(fb.frames))  # 2 images, 2 files
    assert all(f.name == sha(f.read_bytes()) + ".png" for f in files)
    first = re.search(r'<img src="([^"]+)" alt="Sigmoid', page).group(1)
    data = page_data(page)
    assert first == f"../_images/flipbook/{sha(fb.frames[0])}.png"
    assert data["images"] == [None, f"../_images/flipbook/{sha(fb.frames[2])}.png"]
    assert (out / "part" / first).resolve().read_bytes() == fb.frames[0]


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
    ({"font_size": 0}, ValueError, r"`font_size` must be positive"),
    ({"font_size": "large"}, TypeError, r"`font_size` must be a real number"),
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
    with pytest.raises(ValueError, match=r"`min_text_px` must be positive"):
        Flipbook([_png()] * 2, {"a": [1, 2]}, alt="x", min_text_px=0)


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
