// Page behaviour that the Content-Security-Policy allows: no inline scripts, no hx-on (htmx would
// need 'unsafe-eval' to run hx-on attributes). Loaded by base.html and the document print page.
"use strict";

// A form that answers 400 with its own fragment (the form again, with the errors) is swapped in like
// a success, inside an element marked data-swap-on-400.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 400 && event.target.closest("[data-swap-on-400]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The print button of a document page.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// The copy button beside a password or token shown once: copies the element data-copy points to.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) {
    return;
  }
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (source) {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    });
  }
});

// The staff menu's groups (details elements): one open at a time; a click elsewhere or Escape closes.
document.addEventListener("toggle", function (event) {
  var opened = event.target;
  if (!opened.matches || !opened.matches("[data-navgroup]") || !opened.open) {
    return;
  }
  document.querySelectorAll("[data-navgroup][open]").forEach(function (group) {
    if (group !== opened) {
      group.open = false;
    }
  });
}, true);
document.addEventListener("click", function (event) {
  document.querySelectorAll("[data-navgroup][open]").forEach(function (group) {
    if (!group.contains(event.target)) {
      group.open = false;
    }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  document.querySelectorAll("[data-navgroup][open]").forEach(function (group) {
    group.open = false;
    group.querySelector("summary").focus();
  });
});
