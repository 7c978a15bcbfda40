// Progressive enhancement: a button that copies a card's login. Without JavaScript (or without
// the Clipboard API) the button stays hidden and the login is plain selectable text.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("button.copy-login").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
});
