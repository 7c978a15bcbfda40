// Sign-up, progressive enhancement only: the server checks the password rule and shows it as a
// list without JavaScript; here the list is ticked while typing, the password can be shown,
// and the "Opening:" line follows the offer chosen below.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-password-rule]").forEach(function (field) {
    var input = field.querySelector("input");
    var toggle = field.querySelector("[data-password-toggle]");
    var words = field.querySelector("[data-rule-words]");
    var tests = {
      length: function (v, item) { return v.length >= Number(item.dataset.min || 8); },
      upper: function (v) { return /[A-Z]/.test(v); },
      lower: function (v) { return /[a-z]/.test(v); },
      digit: function (v) { return /\d/.test(v); }
    };
    var items = field.querySelectorAll("[data-rule]");
    var check = function () {
      items.forEach(function (item) {
        var met = tests[item.dataset.rule](input.value, item);
        item.classList.toggle("met", met);
        item.classList.toggle("unmet", !met);
        var state = item.querySelector(".rule-state");
        if (state && words) { state.textContent = " " + (met ? words.dataset.met : words.dataset.unmet); }
      });
    };
    input.addEventListener("input", check);
    check();
    if (toggle) {
      var showText = toggle.textContent;
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        toggle.textContent = show ? toggle.dataset.hide : showText;
      });
      // The password is never sent, or left in the page, readable.
      if (input.form) {
        input.form.addEventListener("submit", function () { input.type = "password"; });
      }
    }
  });
  var name = document.querySelector("[data-opening-name]");
  if (name) {
    document.querySelectorAll("#offer-list input[type='radio']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        var label = document.querySelector("label[for='" + radio.id + "'] strong");
        if (radio.checked && label) { name.textContent = label.textContent; }
      });
    });
  }
});
