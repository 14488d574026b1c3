// itgov: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Show an amount typed in yuan as 万元 next to the field.
  function wanPreview(root) {
    root.querySelectorAll("[data-wan-preview]").forEach(function (out) {
      var input = document.getElementById(out.dataset.wanPreview);
      if (!input || input.dataset.wanBound) return;
      input.dataset.wanBound = "1";
      var update = function () {
        var value = Number(String(input.value).replace(/,/g, ""));
        out.textContent = input.value && isFinite(value)
          ? out.dataset.wanPrefix + " " + (value / 10000).toLocaleString(undefined, {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " " + out.dataset.wanUnit
          : "";
      };
      input.addEventListener("input", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wanPreview(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wanPreview(event.target); });
})();
