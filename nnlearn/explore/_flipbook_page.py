"""The page part of a flipbook: its HTML, CSS and JavaScript.

:class:`nnlearn.explore.flipbook.Flipbook` checks and keeps the frames;
:func:`page_html` writes them out as one self-contained ``<div>``: the first
frame as an ``<img>``, one slider per parameter, a Play button, the other frames
(as ``data:`` URIs) in a JSON ``<script>``, and the script that shows them.

A flipbook with a second set of frames for narrow screens wraps the image in a
``<picture>`` whose ``<source media="(max-width: ...)">`` holds the phone frame:
below that width the browser shows (and downloads) the phone frame only, above
it the desktop frame only.  The script keeps both the ``<img src>`` and the
``<source srcset>`` on the current frame, so the slider, Play, the keyboard and
the alt text work the same in both layouts, and it preloads the frames of the
set the browser is showing.
"""

import base64
import html as html_module
import json

__all__ = ["page_html"]


def page_html(uid, *, names, labels, shape, alt, caption, interval, loop, frames,
              min_text_px=None, phone=None):
    """The HTML: ``<div class="nnlearn-flipbook">``, figure, controls, script.

    Parameters
    ----------
    uid : str
        The container's id.
    names, labels, shape
        The parameters' names, each value's display string, the grid's shape.
    alt, caption, interval, loop
        As :class:`~nnlearn.explore.flipbook.Flipbook` keeps them.
    frames : list of bytes
        The PNG images, row-major over the grid.
    min_text_px : float, optional
        Written as ``data-min-text-px``.
    phone : dict, optional
        The phone layout: ``"frames"`` (same grid), ``"min_text_px"`` (float or
        None, written as ``data-phone-min-text-px``) and ``"max_width"`` (int: the
        widest viewport, in CSS pixels, that shows them).
    """
    esc = html_module.escape
    first = [row[0] for row in labels]
    width, height = _png_size(frames[0])
    alt0 = alt + " (" + ", ".join(f"{n} = {v}" for n, v in zip(names, first)) + ")"
    sliders = "".join(
        f'<label>{esc(name)} = <output>{esc(label)}</output>'
        f'<input type="range" min="0" max="{n - 1}" step="1" value="0"'
        f' data-param="{esc(name)}" aria-valuetext="{esc(label)}"></label>\n'
        for name, n, label in zip(names, shape, first))
    button = ""
    if shape[0] > 1:  # nothing to play through with a single value
        button = (f'<button type="button" aria-label="Play: step through '
                  f'{esc(names[0])}">Play</button>\n')
    caption = f"<figcaption>{esc(caption)}</figcaption>\n" if caption else ""
    data = {"names": names, "sizes": list(shape), "labels": labels, "alt": alt,
            "interval": interval, "loop": loop, **_frame_data(frames)}
    text_px = "" if min_text_px is None else f' data-min-text-px="{min_text_px:.3g}"'
    image = (f'<img src="{_data_uri(frames[0])}" alt="{esc(alt0)}"'
             f' data-frame="0" width="{width}" height="{height}">\n')
    if phone is not None:
        data["phone"] = _frame_data(phone["frames"])
        if phone["min_text_px"] is not None:
            text_px += f' data-phone-min-text-px="{phone["min_text_px"]:.3g}"'
        phone_width, phone_height = _png_size(phone["frames"][0])
        image = (f'<picture>\n<source media="(max-width: {phone["max_width"]}px)"'
                 f' srcset="{_data_uri(phone["frames"][0])}" width="{phone_width}"'
                 f' height="{phone_height}">\n{image}</picture>\n')
    return (f'<div class="nnlearn-flipbook" id="{uid}"{text_px}>\n'
            f'<style>{_CSS}</style>\n'
            f'<figure>\n{image}{caption}</figure>\n'
            f'<div class="nnlearn-flipbook-controls" hidden>\n{button}{sliders}'
            f'</div>\n'
            f'<script type="application/json" class="nnlearn-flipbook-data">'
            f'{_script_json(data)}</script>\n'
            f'<script>{_JS}("{uid}");</script>\n</div>')


def _frame_data(frames):
    """``images`` (each distinct image once) and ``frames`` (each frame's image).

    The first frame's image is in the HTML itself, so ``images`` holds null for it.
    """
    images, indices = _distinct(frames)
    return {"images": [None] + [_data_uri(png) for png in images[1:]],
            "frames": indices}


def _png_size(png):
    """Width and height in pixels, read from the PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _distinct(frames):
    """The distinct images in order of first use, and each frame's index among them."""
    position, images, indices = {}, [], []
    for frame in frames:
        if frame not in position:
            position[frame] = len(images)
            images.append(frame)
        indices.append(position[frame])
    return images, indices


def _value_labels(grid):
    """Short display strings for a grid's values, enough digits to tell them apart."""
    for digits in range(4, 18):
        labels = [str(v) if isinstance(v, int) else f"{v:.{digits}g}" for v in grid]
        if len(set(labels)) == len(set(grid)):
            return labels
    return labels


def _script_json(data):
    """JSON that is safe inside a <script> element (no "</script>", no "<!--")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Scoped to the container class; colours inherit from the page, so light and dark
# themes both work.  The image shrinks to the content width (phones).  In print the
# slider and button are hidden; the current frame and the "name = value" readouts
# are printed.
_CSS = (".nnlearn-flipbook{margin:1em 0;max-width:100%}"
        ".nnlearn-flipbook figure{margin:0}"
        ".nnlearn-flipbook picture{display:block}"
        ".nnlearn-flipbook img{display:block;max-width:100%;height:auto}"
        ".nnlearn-flipbook figcaption{font-size:.9em;margin-top:.3em}"
        ".nnlearn-flipbook-controls{display:flex;flex-wrap:wrap;align-items:center;"
        "gap:.4em 1.2em;margin-top:.5em}"
        ".nnlearn-flipbook-controls[hidden]{display:none}"
        ".nnlearn-flipbook-controls label{display:inline-flex;align-items:center;"
        "gap:.5em}"
        ".nnlearn-flipbook-controls output{display:inline-block;min-width:3.5em;"
        "font-variant-numeric:tabular-nums}"
        ".nnlearn-flipbook-controls button{font:inherit;color:inherit;"
        "background:transparent;border:1px solid currentColor;border-radius:.3em;"
        "padding:.15em .8em;min-width:5em;cursor:pointer}"
        ".nnlearn-flipbook-controls button:focus-visible,"
        ".nnlearn-flipbook-controls input:focus-visible"
        "{outline:2px solid currentColor;outline-offset:2px}"
        "@media print{.nnlearn-flipbook{break-inside:avoid}"
        ".nnlearn-flipbook-controls input,.nnlearn-flipbook-controls button"
        "{display:none!important}}")

# The controls stay hidden until this runs, so that without JavaScript the reader
# sees the first frame and its alt text, not sliders that do nothing.  The container
# is the script's parent (found by id if the browser does not report
# document.currentScript); a container already set up is left alone.  A frame's
# image is loaded when the frame is shown, not with the page.  When the pointer, a
# touch or the focus first comes to the flipbook, the frames one step away along
# each slider are preloaded, then all the others, nearest first; after every move
# the new neighbours are requested first.  So a step, or a jump, shows at once.
# With phone frames, the <picture>'s <source> follows the current frame too, and
# the frames preloaded are those of the layout the browser shows (its media query);
# when the layout changes (a phone turned), the next visit preloads the other set.
_JS = """(function (id) {
  "use strict";
  var me = document.currentScript, root = me && me.parentNode;
  if (!root || root.id !== id) root = document.getElementById(id);
  if (!root || root.getAttribute("data-ready") === "1") return;
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(
    root.querySelector("script.nnlearn-flipbook-data").textContent);
  var img = root.querySelector("img"), button = root.querySelector("button");
  var inputs = root.querySelectorAll("input[type=range]");
  var outputs = root.querySelectorAll("output");
  var sizes = data.sizes, timer = null, narrow = null;
  // Each set of frames, with the element and attribute that show it.
  var sets = [{images: data.images, frames: data.frames, element: img,
               attribute: "src", first: img.getAttribute("src")}];
  if (data.phone) {
    var phone = root.querySelector("picture source");
    sets.unshift({images: data.phone.images, frames: data.phone.frames,
                  element: phone, attribute: "srcset",
                  first: phone.getAttribute("srcset")});
    if (window.matchMedia) narrow = window.matchMedia(phone.getAttribute("media"));
    if (narrow && narrow.addEventListener) {
      narrow.addEventListener("change", function () {
        root.removeAttribute("data-warm");
      });
    }
  }
  var preloaded = {};  // src -> its Image (null: shown by img itself)
  function frameAt(position) {
    var k = 0;
    for (var i = 0; i < sizes.length; i++) k = k * sizes[i] + position[i];
    return k;
  }
  function shown() {  // the set the browser shows
    return narrow && narrow.matches ? sets[0] : sets[sets.length - 1];
  }
  function source(k, set) {
    set = set || shown();
    var image = set.images[set.frames[k]];
    return image === null ? set.first : image;
  }
  function fetchImage(src) {
    if (preloaded.hasOwnProperty(src)) return;
    preloaded[src] = new Image();
    preloaded[src].src = src;
  }
  function preload(position) {
    for (var i = 0; i < sizes.length; i++) {
      for (var d = -1; d <= 1; d += 2) {
        var next = position.slice();
        next[i] += d;
        if (i === 0 && data.loop && next[i] === sizes[0]) next[i] = 0;
        if (next[i] >= 0 && next[i] < sizes[i]) fetchImage(source(frameAt(next)));
      }
    }
  }
  function warm() {
    var position = current();
    preload(position);
    if (root.getAttribute("data-warm") === "1") return;
    root.setAttribute("data-warm", "1");
    // Then every other frame, nearest first, so that a jump shows at once too.
    var here = frameAt(position), order = [];
    for (var k = 0; k < data.frames.length; k++) order.push(k);
    order.sort(function (a, b) { return Math.abs(a - here) - Math.abs(b - here); });
    for (var n = 0; n < order.length; n++) fetchImage(source(order[n]));
  }
  function current() {
    var position = [];
    for (var i = 0; i < inputs.length; i++) position.push(Number(inputs[i].value));
    return position;
  }
  function show() {
    var position = current(), parts = [];
    for (var i = 0; i < inputs.length; i++) {
      var text = data.labels[i][position[i]];
      outputs[i].textContent = text;
      inputs[i].setAttribute("aria-valuetext", text);
      parts.push(data.names[i] + " = " + text);
    }
    var k = frameAt(position);
    for (var s = 0; s < sets.length; s++) {
      var set = sets[s], src = source(k, set);
      if (set.element.getAttribute(set.attribute) !== src) {
        set.element.setAttribute(set.attribute, src);
      }
    }
    src = source(k);
    if (!preloaded.hasOwnProperty(src)) preloaded[src] = null;  // loaded now
    img.alt = data.alt + " (" + parts.join(", ") + ")";
    img.setAttribute("data-frame", String(k));
    return position;
  }
  function setPlaying(on) {
    button.textContent = on ? "Pause" : "Play";
    button.setAttribute("aria-label",
                        on ? "Pause" : "Play: step through " + data.names[0]);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    setPlaying(false);
  }
  function step() {
    var last = sizes[0] - 1, next = Number(inputs[0].value) + 1;
    if (next > last) {
      if (!data.loop) { stop(); return; }
      next = 0;
    }
    inputs[0].value = String(next);
    preload(show());
    if (!data.loop && next === last) stop();
  }
  if (button) {
    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (!data.loop && Number(inputs[0].value) >= sizes[0] - 1) {
        inputs[0].value = "0";
        show();
      }
      timer = setInterval(step, data.interval);
      setPlaying(true);
    });
  }
  function move() { preload(show()); }
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", move);
  root.addEventListener("pointerenter", warm);
  root.addEventListener("focusin", warm);
  root.addEventListener("touchstart", warm, {passive: true});
  root.querySelector(".nnlearn-flipbook-controls").hidden = false;
  show();
})"""
