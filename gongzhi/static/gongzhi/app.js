// Behaviour our pages share, in a file rather than inline (the Content-Security-Policy allows
// scripts from this site only): a <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

// A <form data-once> is sent once: a second click while the page loads would post it again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-once]")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
});
