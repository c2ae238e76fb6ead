// Progressive enhancement for long form submissions (the bulk import): while the server works,
// show the form's progress status and refuse a second submission. Without JavaScript the form
// works the same, with the browser's own loading indicator.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-progress-on]")) return;
  var submitter = event.submitter;
  if (submitter && submitter.value !== form.getAttribute("data-progress-on")) return;
  if (form.getAttribute("data-busy")) {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-busy", "1");
  form.setAttribute("aria-busy", "true");
  var status = form.querySelector("[data-progress-status]");
  if (status) status.hidden = false;
});
