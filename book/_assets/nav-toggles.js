/* Sidebar toggles for Jupyter Book 1.0.4 = sphinx-book-theme 1.3.0 + pydata-sphinx-theme 0.17.1.
 *
 * Both themes bind their sidebar handlers with document.querySelector(".primary-toggle") and
 * (".secondary-toggle"): the FIRST match, which is the button in pydata's #pst-header navbar.
 * sphinx-book-theme hides that navbar's buttons and shows its own in the article header
 * (.bd-header-article), which get no handler, so the menu and "Contents" buttons do nothing and
 * the desktop toggle never collapses the sidebar. Here the visible buttons forward their click to
 * the bound (hidden) one, so the themes' own code runs: a <dialog> drawer below 992 px
 * (backdrop tap and Escape close it), the .pst-sidebar-hidden collapse at >= 992 px.
 * Also: a close button inside each drawer, and following a link in a drawer closes it.
 * Remove this file when the themes bind every toggle (check the upstream changelogs).
 */
(() => {
  const setup = () => {
    for (const kind of ["primary", "secondary"]) {
      const [bound, ...visible] = document.querySelectorAll(`.${kind}-toggle`);
      const dialog = document.getElementById(`pst-${kind}-sidebar-modal`);
      const sidebar = document.getElementById(`pst-${kind}-sidebar`);
      if (!bound || !dialog || !sidebar) continue;
      const label = kind === "primary" ? "Close navigation" : "Close contents";
      const close = document.createElement("button");
      close.type = "button";
      close.className = "nnl-drawer-close btn btn-sm";
      close.setAttribute("aria-label", label);
      close.title = label;
      close.innerHTML = '<span class="fa-solid fa-xmark" aria-hidden="true"></span>';
      close.addEventListener("click", () => dialog.close());
      // The theme moves the sidebar's child nodes into the dialog and back, so the close
      // button travels with them; CSS shows it only inside an open dialog.
      sidebar.prepend(close);
      visible.forEach((button) => {
        button.setAttribute("aria-controls", sidebar.id);
        button.addEventListener("click", (event) => {
          if (event.defaultPrevented || dialog.open) return; // a fixed theme handled it already
          event.preventDefault();
          bound.click();
          if (kind === "primary" && !dialog.open) {
            button.setAttribute("aria-expanded",
              String(!sidebar.classList.contains("pst-sidebar-hidden")));
          }
        });
      });
      dialog.addEventListener("click", (event) => {
        if (event.target.closest("a[href]")) dialog.close();
      });
    }
  };
  if (document.readyState !== "loading") setup();
  else document.addEventListener("DOMContentLoaded", setup);
})();
