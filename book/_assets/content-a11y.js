/* Accessibility fixes for the book's content (the article body, main .bd-article), checked with
 * axe-core by tests/test_book_a11y.py. Each fix names the axe rule it satisfies.
 *
 * The markup comes from Jupyter Book 1.0.4's extensions (myst-nb 1.4, sphinxcontrib-bibtex 2.7)
 * and from the ipywidgets 8 HTML manager (@jupyter-widgets/html-manager 1.0), which renders the
 * explorers' saved widget state after the page has loaded. So every fix runs on
 * DOMContentLoaded and again whenever the article changes (a MutationObserver, batched to one
 * pass per animation frame). Every fix is idempotent: it writes an attribute only when the
 * value differs, so its own writes settle after one more pass.
 * Theme chrome (header, sidebars, footer) is not touched; see README.md, "Accessibility".
 */
(() => {
  const setAttr = (el, name, value) => {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  };
  const visibleText = (el) => (el.textContent || "").replace(/\s+/g, " ").trim();
  let serial = 0;

  const fixes = [
    // label-content-name-mismatch: myst-nb's "Show code cell source" toggles are
    // <summary aria-label="Toggle hidden content"> whose visible text is "Show/Hide code cell
    // source" (the other half is display: none). Without the aria-label the accessible name is
    // the visible label, which is also what a speech-input user says to click it.
    (root) => {
      root.querySelectorAll("summary[aria-label]").forEach((summary) => {
        if (visibleText(summary)) summary.removeAttribute("aria-label");
      });
    },

    // aria-required-children: sphinxcontrib-bibtex writes the bibliography as
    // <div role="list"> of <div role="doc-biblioentry">, a role deprecated in DPUB-ARIA 1.1 and
    // not a list item, so the list has no items. Each entry becomes a listitem (the id, the
    // target of every citation link, stays).
    (root) => {
      root.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach((entry) => {
        setAttr(entry, "role", "listitem");
      });
    },

    // aria-input-field-name: an ipywidgets slider's handle (noUiSlider, <div role="slider">)
    // is not a labelable element, so the widget's <label> names nothing. The handle is
    // labelled by it with aria-labelledby. A slider without a description stays unnamed (and
    // the test fails): give it a description in Python.
    (root) => {
      root.querySelectorAll(".widget-slider").forEach((slider) => {
        const label = slider.querySelector(":scope > label.widget-label");
        if (label && label.getAttribute("title") === "null") label.removeAttribute("title");
        if (!label || !visibleText(label)) return;
        if (!label.id) label.id = `nnl-slider-label-${++serial}`;
        slider.querySelectorAll('[role="slider"]').forEach((handle) => {
          setAttr(handle, "aria-labelledby", label.id);
        });
      });
    },

    // image-alt: the ipywidgets Image model has no alt text; an explorer sets the widget's
    // tooltip to its describe() text (nnlearn/explore/explorer.py), which the view renders as
    // the <img>'s title. It becomes the alt text, and the title goes, so that no tooltip box
    // covers the figure. An image without a tooltip keeps no alt (and the test fails).
    (root) => {
      root.querySelectorAll("img.widget-image").forEach((img) => {
        const title = img.getAttribute("title");
        if (title && title.trim()) {
          setAttr(img, "alt", title.trim());
          img.removeAttribute("title");
        }
      });
    },

    // button-name: the ipywidgets Play widget draws icon-only buttons (play/pause, stop,
    // repeat); its description and tooltip never reach them. Each gets the name of its
    // current icon, as aria-label and title (the icon changes from play to pause).
    (root) => {
      const names = {"fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop",
                     "fa-retweet": "Repeat"};
      root.querySelectorAll(".widget-play > button").forEach((button) => {
        if (visibleText(button)) return;
        const icon = button.querySelector("i, svg");
        const kind = icon && Object.keys(names).find((k) => icon.classList.contains(k));
        if (!kind) return;
        setAttr(button, "aria-label", names[kind]);
        setAttr(button, "title", names[kind]);
      });
    },
  ];

  const run = (root) => fixes.forEach((fix) => fix(root));

  const start = () => {
    const root = document.querySelector("main .bd-article") || document.querySelector("main");
    if (!root) return;
    run(root);
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        run(root);
      });
    }).observe(root, {childList: true, subtree: true, attributes: true,
                      attributeFilter: ["title", "class", "aria-label"]});
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
