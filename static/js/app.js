/* Small behaviours on top of server-rendered pages. Works without it; nothing is loaded
   from outside. */
(function () {
  "use strict";
  // Filter forms: leave empty fields out of the URL, so shared links stay short and readable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var data = event.detail.formData;
    if (!data || !data.entries) return;
    var empty = [];
    data.forEach(function (value, key) {
      if (value === "") empty.push(key);
    });
    empty.forEach(function (key) {
      data.delete(key);
    });
  });
})();
