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
  // The cookie banner answers in the background, so nothing typed into the page is lost. Its
  // buttons open the cookie page, whose form carries the CSRF token (the banner has none, so the
  // pages it is on need no session): the script reads that form and posts the answer with it.
  // Without fetch (or when it fails) the button opens the cookie page as usual.
  document.querySelectorAll("form[data-consent]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.URLSearchParams || !window.DOMParser ||
          !("submitter" in event)) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      var asked = new URLSearchParams(new FormData(form));
      if (submitter && submitter.name) { asked.append(submitter.name, submitter.value); }
      var banner = form.closest(".consent-banner") || form;
      // Asked now: disabling the focused button moves the focus to the page's body.
      var hadFocus = banner.contains(document.activeElement);
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      fetch(form.action + "?" + asked.toString(), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("consent"); }
          return response.text();
        })
        .then(function (html) {
          var answer = new DOMParser().parseFromString(html, "text/html")
            .querySelector("form[data-consent-answer]");
          if (!answer) { throw new Error("consent"); }
          var body = new URLSearchParams(new FormData(answer));
          // The cookie page's "Accept" is its only named button; "Decline" sends no value.
          var accept = answer.querySelector("button[name]");
          if (submitter && submitter.value === "accept" && accept) {
            body.append(accept.name, accept.value);
          }
          // The answer is a redirect back to this page: its cookies are kept, the page is not
          // fetched again.
          return fetch(answer.getAttribute("action"), {
            method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
        })
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
