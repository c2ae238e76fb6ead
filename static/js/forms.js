// Loaded on pages that show a rejected form. The error summary already takes the focus with
// `autofocus`; a browser that ignores `autofocus` on a box gets it focused here, so that
// keyboard and screen reader users start from the list of errors.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  var active = document.activeElement;
  if (active === null || active === document.body || active === document.documentElement) {
    summary.focus();
  }
})();
