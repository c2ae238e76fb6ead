// Progressive enhancement of the catalogue's filters: ticking a box or choosing a sort applies
// the filters at once (the page says so first), and the next page puts the keyboard focus back
// on that control (opening the filters if a small screen had them closed) and announces the
// number of results. Without JavaScript the "Apply filters" button does the same; the text and
// year fields always apply with Enter or that button.
(function () {
  var form = document.getElementById("practice-filters");
  if (!form) return;
  var KEY = "practices-filters-focus";
  var note = form.querySelector("[data-auto-apply-note]");
  if (note) note.hidden = false;
  // The filters are a closed <details> that CSS shows beside the results on wide screens; a
  // browser that cannot style a closed <details>'s content gets it opened there instead.
  var filters = form.querySelector("details.practice-facets");
  var canShowClosed = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (filters && !canShowClosed && window.matchMedia("(min-width: 48.01rem)").matches) {
    filters.open = true;
  }

  form.addEventListener("change", function (event) {
    var control = event.target;
    var applies = control.type === "checkbox" || control.tagName === "SELECT";
    if (!applies || !control.id) return;
    try {
      window.sessionStorage.setItem(KEY, control.id);
    } catch (error) {
      // Storage refused (private mode): the filters still apply, focus starts at the top.
    }
    form.setAttribute("aria-busy", "true");
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });

  var id = null;
  try {
    id = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
  } catch (error) {
    return;
  }
  var control = id && document.getElementById(id);
  if (!control) return;
  var details = control.closest("details");
  if (details) details.open = true; // on a small screen the filters start closed
  control.focus();
  var status = document.querySelector("[data-results-status]");
  var title = document.getElementById("results-title");
  if (status && title) {
    // Filled after load so that screen readers announce it (a polite live region).
    window.setTimeout(function () {
      status.textContent = title.textContent.trim();
    }, 100);
  }
})();
