"""flipbook: frames over the grid, their order, compact storage, the HTML (self-contained,
accessible, reproducible, lazy), print and phone styles, text sizes, phone frames (drawn, checked,
shown and downloaded only on narrow screens), the book's Sphinx extension, errors."""

import base64
import hashlib
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

from .book_checks import load_script

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
          removeAttribute(k) { delete this.attrs[k]; },
          addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); },
          fire(t) { (this.listeners[t] || []).forEach(f => f()); }};
}
const img = el(), controls = el(), data = {textContent: input.json}, root = el();
img.attrs.src = input.first;  // as in the HTML
const source = el();  // the <picture>'s <source>, with phone frames
source.attrs.srcset = input.phone_first;
source.attrs.media = input.media;
const media = {matches: input.narrow, listeners: [],
               addEventListener(t, f) { this.listeners.push(f); }};
global.window = {matchMedia: q => (q === input.media ? media : null)};
const preloads = [];
global.Image = function () { preloads.push(this); };
const inputs = input.sizes.map(el), outputs = input.sizes.map(el), button = input.button ? el() : null;
if (button) button.textContent = "Play";  // as in the HTML
root.id = input.id;
root.querySelector = s => s.startsWith("script") ? data : s === "img" ? img
                          : s === "button" ? button : s === "picture source" ? source : controls;
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
  if (action === "turn") { media.matches = !media.matches; media.listeners.forEach(f => f()); }
  states.push({frame: Number(img.getAttribute("data-frame")), src: img.getAttribute("src"),
               srcset: source.getAttribute("srcset"),
               preloaded: preloads.map(p => p.src), alt: img.alt,
               outputs: outputs.map(o => o.textContent),
               valuetext: inputs.map(x => x.getAttribute("aria-valuetext")), playing: tick !== null,
               button: button && button.textContent,
               label: button && button.getAttribute("aria-label"), delay: delay, hidden: controls.hidden});
}
console.log(JSON.stringify(states));
"""


def run_page_script(fb, actions, narrow=False):
    """The page's script run in node: the state after each action (``narrow``: the phone's media
    query matches at first)."""
    html = fb.html()
    js = re.findall(r"<script>(.*?)</script>", html, re.S)[-1]
    json_text = re.search(r'class="nnlearn-flipbook-data">(.*?)</script>', html, re.S).group(1)
    first = re.search(r'<img src="([^"]*)"', html).group(1)
    source = re.search(r'<source media="([^"]*)" srcset="([^"]*)"', html)
    payload = {"js": js, "json": json_text, "id": fb.id, "sizes": list(fb.shape), "first": first,
               "button": "<button" in html, "actions": [["none", 0, 0]] + actions,
               "media": source and source.group(1), "phone_first": source and source.group(2),
               "narrow": narrow}
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


# -- phone frames ----------------------------------------------------------------------------------

def layout_draw(ax, w, layout):
    """A sigmoid whose title says which layout it was drawn for."""
    sigmoid_draw(ax, w)
    ax.set_title(f"{layout}: w = {w:g}")


@pytest.fixture(scope="module")
def phone_book():
    return flipbook(layout_draw, {"w": [1.0, 2.0, 3.0]}, alt="Sigmoid of w·x", figsize=(6, 3),
                    dpi=40, phone_figsize=(3, 4))


def test_phone_frames_are_drawn_at_the_phone_size_over_the_same_grid(phone_book):
    assert len(phone_book.phone_frames) == len(phone_book.frames) == 3
    assert all(f.startswith(b"\x89PNG") for f in phone_book.phone_frames)
    assert {png_size(f) for f in phone_book.frames} == {(240, 120)}
    # By default as many pixels wide as the desktop frames: 3 inches at 80 dpi.
    assert {png_size(f) for f in phone_book.phone_frames} == {(240, 320)}
    assert set(phone_book.phone_frames).isdisjoint(phone_book.frames)  # drawn anew
    narrow = flipbook(layout_draw, {"w": [1.0]}, alt="x", figsize=(6, 3), dpi=40,
                      phone_figsize=(3, 4), phone_dpi=30)
    assert png_size(narrow.phone_frames[0]) == (90, 120)
    assert repr(phone_book) == "Flipbook(w: 3 values; 3 frames and phone frames)"


def test_draw_is_told_the_layout_when_it_takes_one():
    calls = []

    def draw(ax, w, layout):
        calls.append((layout, w, tuple(ax.figure.get_size_inches())))
        sigmoid_draw(ax, w)

    flipbook(draw, {"w": [1.0, 2.0]}, alt="x", figsize=(4, 2), dpi=20, phone_figsize=(2, 3))
    assert calls == [("desktop", 1.0, (4, 2)), ("desktop", 2.0, (4, 2)),
                     ("phone", 1.0, (2, 3)), ("phone", 2.0, (2, 3))]
    calls.clear()
    flipbook(draw, {"w": [1.0]}, alt="x", figsize=(4, 2), dpi=20)  # desktop frames only
    assert calls == [("desktop", 1.0, (4, 2))]
    plain = []
    flipbook(lambda ax, w: plain.append(w) or sigmoid_draw(ax, w), {"w": [1.0, 2.0]}, alt="x",
             figsize=(4, 2), dpi=20, phone_figsize=(2, 3))        # no `layout`: drawn twice
    assert plain == [1.0, 2.0, 1.0, 2.0]
    grid = []
    flipbook(lambda ax, layout: grid.append(layout), {"layout": [1, 2]}, alt="x", figsize=(2, 2),
             dpi=10)                  # without phone frames a parameter may be called `layout`
    assert grid == [1, 2]


def test_the_phone_frames_text_size_follows_the_phone_width(phone_book):
    import matplotlib

    # font.size is raised for each figure's width so that text is 9 px on a phone, 5% to spare
    for text_px, png_width in [(phone_book.min_text_px, 240), (phone_book.phone_min_text_px, 240)]:
        assert text_px * PHONE_WIDTH_PX / png_width >= MIN_TEXT_PX
    base = matplotlib.rcParams["font.size"]
    points = {width: max(base, 1.05 * MIN_TEXT_PX * 72 * width / PHONE_WIDTH_PX)
              for width in (6, 3)}
    assert points[6] > points[3]  # 12.5 points on the 6-inch figure; 10 (font.size) on the other
    assert phone_book.min_text_px == pytest.approx(points[6] * 40 / 72)
    assert phone_book.phone_min_text_px == pytest.approx(points[3] * 80 / 72)
    html = phone_book.html()
    assert f'data-phone-min-text-px="{phone_book.phone_min_text_px:.3g}"' in html
    assert f'data-min-text-px="{phone_book.min_text_px:.3g}"' in html


def test_the_html_shows_phone_frames_in_a_picture_below_the_breakpoint(phone_book):
    from nnlearn.explore.flipbook import _data_uri

    html = phone_book.html()
    picture = re.search(r"<figure>\n<picture>\n(<source [^>]*>)\n(<img [^>]*>)\n</picture>\n", html)
    assert picture, html[:600]
    source, img = picture.groups()
    width = phone_book.phone_max_width
    assert source == (f'<source media="(max-width: {width}px)" srcset="'
                      f'{_data_uri(phone_book.phone_frames[0])}" width="240" height="320">')
    assert img.startswith(f'<img src="{_data_uri(phone_book.frames[0])}" '
                          'alt="Sigmoid of w·x (w = 1)"')
    assert 'width="240" height="120"' in img
    data = page_data(html)
    assert data["phone"]["frames"] == [0, 1, 2] and data["phone"]["images"][0] is None
    assert data["phone"]["images"][1:] == [_data_uri(f) for f in phone_book.phone_frames[1:]]
    assert data["images"][1:] == [_data_uri(f) for f in phone_book.frames[1:]]
    assert html.count("data:image/png;base64,") == 6                 # every image once
    assert html.count('type="range"') == 1 and html.count("<img") == 1  # one slider, one image
    plain = Flipbook(phone_book.frames, phone_book.params, alt="Sigmoid of w·x")
    assert "<picture" not in plain.html() and "phone" not in page_data(plain.html())
    assert "data-phone-min-text-px" not in plain.html()


def test_phone_frames_change_the_id_and_repeated_phone_frames_are_stored_once():
    frames = [png_of_colour(c) for c in ((1, 0, 0), (0, 1, 0))]
    phone = [png_of_colour((0, 0, 1), size=(3, 5))] * 2
    plain = Flipbook(frames, {"a": [1, 2]}, alt="x")
    with_phone = Flipbook(frames, {"a": [1, 2]}, alt="x", phone_frames=phone)
    other_width = Flipbook(frames, {"a": [1, 2]}, alt="x", phone_frames=phone, phone_max_width=700)
    assert len({plain.id, with_phone.id, other_width.id}) == 3
    assert plain.id == Flipbook(frames, {"a": [1, 2]}, alt="x").id
    data = page_data(with_phone.html())
    assert data["phone"] == {"images": [None], "frames": [0, 0]}
    assert with_phone.phone_min_text_px is None
    assert "data-phone-min-text-px" not in with_phone.html()


def test_the_breakpoint_is_where_the_desktop_frames_text_gets_too_small():
    from nnlearn.explore.flipbook import PAGE_MARGIN_PX, PHONE_MAX_WIDTH_PX

    def breakpoint(width, text_px, **kw):
        fb = Flipbook([png_of_colour((1, 1, 1), size=(width, 10))], {"a": [1]}, alt="x",
                      min_text_px=text_px, phone_frames=[png_of_colour((0, 0, 0))], **kw)
        return fb.phone_max_width

    # 630 px frames with 10 px text are readable from 567 px wide, on a screen 64 px wider.
    assert breakpoint(630, 10.0) == 567 - 1 + PAGE_MARGIN_PX == 630
    assert 9 * 630 / 10.0 == 567
    assert breakpoint(840, 1000 / 90) == 744       # ch 6: 840 px, 8-point text at 100 dpi
    assert breakpoint(300, 20.0) == 480            # at least every phone held upright
    assert breakpoint(2000, 5.0) == 959            # from 960 px the book's column is wide
    assert breakpoint(630, None) == PHONE_MAX_WIDTH_PX
    assert breakpoint(630, 10.0, phone_max_width=420) == 420  # given


@pytest.mark.parametrize("kwargs, error, match", [
    ({"phone_frames": [b"\x89PNG"]}, ValueError,
     r"`phone_frames` must hold one image per grid point, 2 = 2, got 1"),
    ({"phone_frames": "frames"}, TypeError,
     r"`phone_frames` must be a list of PNG images \(bytes\), got str"),
    ({"phone_frames": [None, None]}, TypeError,
     r"`phone_frames\[0\]` must be a PNG image as bytes, got NoneType"),
    ({"phone_frames": "truncated"}, ValueError,
     r"`phone_frames\[1\]` must be a whole PNG image .*got 8 bytes"),
    ({"phone_frames": "same", "phone_min_text_px": -1}, ValueError,
     r"`phone_min_text_px` must be positive"),
    ({"phone_frames": "same", "phone_max_width": 0}, ValueError,
     r"`phone_max_width` must be an integer >= 1"),
    ({"phone_frames": "same", "phone_max_width": 600.5}, TypeError,
     r"`phone_max_width` must be an integer"),
    ({"phone_min_text_px": 9.0}, ValueError,
     r"`phone_min_text_px` describes the phone frames, and there are none.*Pass phone_frames="),
    ({"phone_max_width": 600}, ValueError, r"`phone_max_width` describes the phone frames"),
])
def test_bad_phone_frames_are_rejected(kwargs, error, match):
    frames = [_png(), _png()]
    if kwargs.get("phone_frames") == "same":
        kwargs["phone_frames"] = frames
    elif kwargs.get("phone_frames") == "truncated":
        kwargs["phone_frames"] = [_png(), b"\x89PNG\r\n\x1a\n"]
    with pytest.raises(error, match=match):
        Flipbook(frames, {"a": [1, 2]}, alt="x", **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"phone_figsize": 3}, TypeError,
     r"`phone_figsize` must be a pair \(width, height\) in inches, got 3"),
    ({"phone_figsize": (3, -1)}, ValueError, r"`phone_figsize\[1\]` must be positive"),
    ({"phone_figsize": (3, 4), "phone_dpi": 0}, ValueError, r"`phone_dpi` must be positive"),
    ({"phone_figsize": (3, 4), "phone_max_width": "wide"}, TypeError,
     r"`phone_max_width` must be an integer"),
    ({"phone_dpi": 100}, ValueError,
     r"`phone_dpi` applies to the phone frames, and there are none.*phone_figsize"),
    ({"phone_max_width": 500}, ValueError, r"`phone_max_width` applies to the phone frames"),
])
def test_bad_phone_arguments_are_rejected_before_drawing(kwargs, error, match):
    calls = []
    with pytest.raises(error, match=match):
        flipbook(lambda ax, w: calls.append(w), {"w": [1.0, 2.0]}, alt="x", **SMALL, **kwargs)
    assert calls == []


def test_a_parameter_called_layout_is_ambiguous_with_phone_frames():
    with pytest.raises(ValueError, match=r"`params` may not name a parameter 'layout' .*Rename"):
        flipbook(lambda ax, layout: None, {"layout": [1, 2]}, alt="x", phone_figsize=(2, 2),
                 **SMALL)


def test_an_error_in_draw_says_which_layout():
    def draw(ax, w, layout):
        if layout == "phone" and w == 2:
            raise RuntimeError("too narrow")

    with pytest.raises(RuntimeError, match="too narrow") as info:
        flipbook(draw, {"w": [1, 2]}, alt="x", phone_figsize=(1, 1), **SMALL)
    if sys.version_info >= (3, 11):
        assert info.value.__notes__ == ["(raised by `draw` while drawing frame 1 of the flipbook "
                                        "in the phone layout, at {'w': 2})"]


@needs_node
def test_the_script_keeps_both_layouts_on_the_current_frame(phone_book):
    from nnlearn.explore.flipbook import _data_uri

    desktop = [_data_uri(f) for f in phone_book.frames]
    phone = [_data_uri(f) for f in phone_book.phone_frames]
    for narrow in (False, True):
        states = run_page_script(phone_book, [["set", 0, 2], ["click"], ["tick"]], narrow=narrow)
        assert [s["frame"] for s in states] == [0, 2, 2, 0]
        assert [s["src"] for s in states] == [desktop[s["frame"]] for s in states]
        assert [s["srcset"] for s in states] == [phone[s["frame"]] for s in states]
        assert states[1]["alt"] == "Sigmoid of w·x (w = 3)" and states[3]["outputs"] == ["1"]


@needs_node
def test_the_script_preloads_the_frames_of_the_layout_shown(phone_book):
    from nnlearn.explore.flipbook import _data_uri

    desktop = [_data_uri(f) for f in phone_book.frames]
    phone = [_data_uri(f) for f in phone_book.phone_frames]
    wide = run_page_script(phone_book, [["focus"]], narrow=False)
    assert sorted(wide[1]["preloaded"]) == sorted(desktop[1:])
    narrow = run_page_script(phone_book, [["set", 0, 1], ["focus"], ["turn"], ["focus"]],
                             narrow=True)
    assert narrow[1]["preloaded"] == [phone[2]]  # frame 1's other neighbour (frame 0 was shown)
    assert narrow[2]["preloaded"] == narrow[1]["preloaded"]  # all 3 loaded: nothing more to do
    # The phone turned sideways: the wide layout shows, and the next visit preloads its frames.
    assert narrow[3]["preloaded"] == narrow[2]["preloaded"]
    assert narrow[4]["preloaded"][:1] == [phone[2]]
    assert sorted(narrow[4]["preloaded"][1:]) == sorted(desktop)


def test_a_narrow_browser_downloads_and_shows_only_the_phone_frames(browser, tmp_path, phone_book):
    """As on the book's site: frames in files (the Sphinx extension's externalise), served on
    127.0.0.1; a phone and a laptop load the page, step the slider and come to the flipbook."""
    from .book_checks import serve

    ext = load_extension()
    images = tmp_path / "images"
    images.mkdir()
    body, count = ext.externalise(phone_book.html(), lambda n, png: (images / n).write_bytes(png),
                                  lambda n: f"images/{n}")
    assert count == 6 and "data:" not in body
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>t</title></head>'
        f'<body>{body}</body></html>')
    names = {f"{sha(f)}.png": f"desktop {k}" for k, f in enumerate(phone_book.frames)}
    names.update({f"{sha(f)}.png": f"phone {k}" for k, f in enumerate(phone_book.phone_frames)})
    shown = "img => img.decode().then(() => [img.currentSrc.split('/').pop(), img.naturalWidth])"
    with serve(tmp_path) as url:
        for width, kind, natural in [(390, "phone", (240, 320)), (1000, "desktop", (240, 120))]:
            context = browser.new_context(viewport={"width": width, "height": 800})
            try:
                page = context.new_page()
                requested = []
                page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
                page.goto(url + "index.html", wait_until="load")
                image = page.locator(".nnlearn-flipbook img")
                src, natural_width = image.evaluate(shown)
                assert names[src] == f"{kind} 0" and natural_width == natural[0]
                box = image.bounding_box()
                assert box["height"] == pytest.approx(box["width"] * natural[1] / natural[0], abs=1)
                slider = page.locator("input[type=range]")
                slider.focus()
                page.keyboard.press("ArrowRight")
                src, _ = image.evaluate(shown)
                assert names[src] == f"{kind} 1" and image.get_attribute("data-frame") == "1"
                assert image.get_attribute("alt") == "Sigmoid of w·x (w = 2)"
                page.locator(".nnlearn-flipbook").hover()             # preloads the others
                page.wait_for_function("() => performance.getEntriesByType('resource').length >= 3")
                page.wait_for_timeout(200)
                frames = sorted(names[n] for n in requested if n in names)
                assert frames == [f"{kind} {k}" for k in range(3)], requested
            finally:
                context.close()


def png_size(png):
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_of_colour(rgb, size=(4, 3)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, tuple(int(255 * c) for c in rgb)).save(buffer, format="PNG")
    return buffer.getvalue()


# -- the book's Sphinx extension (book/_ext/flipbook_files.py) ------------------------------------

def load_extension():
    return load_script("book/_ext/flipbook_files.py")


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


def test_externalise_moves_the_phone_frames_out_too(phone_book):
    ext = load_extension()
    written = {}
    new, count = ext.externalise(phone_book.html(), written.__setitem__,
                                 lambda name: f"../_images/flipbook/{name}")
    assert count == 6 and "data:" not in new
    assert sorted(written.values()) == sorted(phone_book.frames + phone_book.phone_frames)
    url = "../_images/flipbook/{}.png".format
    assert f'srcset="{url(sha(phone_book.phone_frames[0]))}"' in new
    assert f'<img src="{url(sha(phone_book.frames[0]))}"' in new
    phone_urls = [url(sha(f)) for f in phone_book.phone_frames[1:]]
    assert page_data(new)["phone"]["images"] == [None] + phone_urls

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
