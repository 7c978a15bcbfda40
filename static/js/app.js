// Progressive enhancement only: move focus to the first field with an error.
document.addEventListener("DOMContentLoaded", function () {
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) { invalid.focus(); }
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type='submit']").forEach(function (b) { b.disabled = true; });
    });
  });
});
