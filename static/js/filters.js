/* Offer list: apply a filter as soon as a box, option or choice list changes.
 *
 * Without this script the form works as it is: tick, then "Filter anwenden". With it, a change reloads the
 * list at once and brings the visitor back to the field they changed (the address ends in its id), where a
 * polite status message names the new number of results. Text fields are left alone: they apply with Enter
 * or the button, never while someone is typing. A choice list changed with the keyboard applies when the
 * visitor leaves it or presses Enter, so the arrow keys can move through its options first.
 */
(function () {
  "use strict";
  var form = document.querySelector("form.filter-form");
  if (!form || !form.id) {
    return;
  }

  function apply(field) {
    var action = form.getAttribute("action").split("#")[0];
    form.setAttribute("action", action + "#" + field.id);
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  var keyboardChoice = null;
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (field.tagName !== "SELECT") {
      return;
    }
    if (event.key === "Enter" && keyboardChoice === field) {
      event.preventDefault();
      apply(field);
    } else if (event.key !== "Tab") {
      keyboardChoice = field;
    }
  });
  form.addEventListener("focusout", function (event) {
    var field = event.target;
    if (keyboardChoice === field && field.dataset.changed === "1") {
      apply(field);
    }
    keyboardChoice = null;
  });
  form.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.id) {
      return;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      apply(field);
    } else if (field.tagName === "SELECT") {
      if (keyboardChoice === field) {
        field.dataset.changed = "1";
      } else {
        apply(field);
      }
    }
  });

  /* After such a reload: focus the field that was changed and announce the result. */
  var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (target && form.contains(target)) {
    var more = target.closest("details");
    if (more) {
      more.open = true;
    }
    target.focus();
    var status = document.getElementById("filter-status");
    var heading = document.getElementById("ergebnisse");
    if (status && heading) {
      window.setTimeout(function () {
        status.textContent = heading.textContent.trim();
      }, 100);
    }
  }
})();
