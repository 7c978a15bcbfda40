// Progressive enhancement only: move focus to the first field with an error.
document.addEventListener("DOMContentLoaded", function () {
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) { invalid.focus(); }
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type='submit']").forEach(function (b) { b.disabled = true; });
    });
  });
  // The fixed cookie bar: the page leaves exactly its height free below (CSS guesses without
  // this), so the end of a form can always be scrolled into view.
  var bar = document.querySelector("[data-consent-banner]");
  var fitBar = function () {
    if (bar && bar.parentNode) {
      document.body.style.setProperty("--consent-height", bar.offsetHeight + "px");
    }
  };
  fitBar();
  window.addEventListener("resize", fitBar);
  // The cookie banner answers in the background, so nothing typed into the page is lost.
  // Without fetch (or when it fails) the form is posted as usual and the page reloads.
  document.querySelectorAll("form[data-consent]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.URLSearchParams || !("submitter" in event)) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      var body = new URLSearchParams(new FormData(form));
      if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
      var banner = form.closest(".consent-banner") || form;
      // Asked now: disabling the focused button moves the focus to the page's body.
      var hadFocus = banner.contains(document.activeElement);
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      // The answer is a redirect back to this page: its cookies are kept, the page is not
      // fetched again.
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           redirect: "manual" })
        .then(function (response) {
          if (response.type !== "opaqueredirect" && !response.ok) { throw new Error("consent"); }
          banner.parentNode.removeChild(banner);
          var main = document.getElementById("main");
          if (hadFocus && main) { main.focus({ preventScroll: true }); }
        })
        .catch(function () {
          buttons.forEach(function (b) { b.disabled = false; });
          if (submitter && submitter.name) {
            var chosen = document.createElement("input");
            chosen.type = "hidden";
            chosen.name = submitter.name;
            chosen.value = submitter.value;
            form.appendChild(chosen);
          }
          form.submit();
        });
    });
  });
});
