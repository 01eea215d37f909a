// The ipywidgets HTML manager typesets widget labels with MathJax 2's API, MathJax.Hub.Queue(...).
// This book loads MathJax 3, which has no Hub: without this shim every labelled widget on a page with
// math throws "Cannot read properties of undefined (reading 'Queue')". Installed once MathJax 3 has
// replaced its configuration object (deferred scripts run before DOMContentLoaded), before the
// widgets are rendered.
(function () {
  function typeset(elements) {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return;
    mj.startup.promise.then(function () { return mj.typesetPromise(elements); }).catch(function () {});
  }
  function install() {
    var mj = window.MathJax;
    if (!mj || mj.Hub) return;
    mj.Hub = {
      Queue: function () {
        for (var i = 0; i < arguments.length; i++) {
          var job = arguments[i];
          if (Array.isArray(job) && job[0] === "Typeset") typeset(job[2] ? [job[2]] : undefined);
        }
      }
    };
  }
  document.addEventListener("DOMContentLoaded", install);
})();
