/*
 * The menu button of the narrow layout, operable like any button. The theme opens its navigation
 * drawer with a hidden checkbox (#__drawer) and a label for it, which is all a page without
 * scripts has; here the label becomes a real button: Enter and Space open and close the drawer,
 * aria-expanded says whether it is open, and Escape closes it and puts the focus back on the button.
 */
(function () {
  "use strict";

  var toggle = document.getElementById("__drawer");
  var label = document.querySelector("label.md-header__button[for='__drawer']");
  if (!toggle || !label) return;

  var button = document.createElement("button");
  button.type = "button";
  button.className = label.className + " cb-menu-button";
  while (label.firstChild) button.appendChild(label.firstChild);  // the icon and the button's name
  label.replaceWith(button);

  function showState() {
    button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
  }

  showState();
  // The theme and the overlay change the checkbox by clicking it, which fires "change".
  toggle.addEventListener("change", showState);
  button.addEventListener("click", function () {
    toggle.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !toggle.checked) return;
    toggle.click();
    button.focus();
  });
})();
