// The theme listing's filters fold away on a narrow screen (a phone), so that the results come
// first. The panel is a <details> element that is open in the HTML: without JavaScript, and on
// a wide screen, the filters stay in view. A panel with an error in it stays open.
(function () {
  "use strict";
  var panel = document.querySelector("details[data-fold-narrow]");
  if (!panel || panel.querySelector(".has-error")) {
    return;
  }
  if (window.matchMedia("(max-width: 40rem)").matches) {
    panel.open = false;
  }
})();
