// Home measurements: show the "pounds" box only when "stones and pounds" is the unit.
// Progressive enhancement: without this script the box is always shown and labelled.
(function () {
  "use strict";
  document.querySelectorAll("[data-pounds-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-pounds-for"));
    if (!select) { return; }
    function update() {
      box.hidden = select.value !== "[stone_av]" && !box.querySelector(".errorlist");
    }
    select.addEventListener("change", update);
    update();
  });
}());
