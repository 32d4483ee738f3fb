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
    // The filter form asks again when nothing changed (typing, then leaving the field):
    // skip that request, so no second history entry makes Back need two presses.
    if (event.detail.elt && event.detail.elt.id === "filters") {
      if (sameQuery(new URLSearchParams(data), new URLSearchParams(window.location.search))) {
        event.preventDefault();
      }
    }
  });
  function sameQuery(a, b) {
    var left = [], right = [];
    a.forEach(function (value, key) { left.push(key + "=" + value); });
    b.forEach(function (value, key) { if (key !== "page") right.push(key + "=" + value); });
    return left.sort().join("&") === right.sort().join("&");
  }

  // Behaviours named by data- attributes, since the Content-Security-Policy allows no
  // inline script or handler attributes.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // The list's selection: the header box ticks the page, the bulk bar counts the ticks.
  function countSelection(form) {
    var bar = form.querySelector("[data-bulk-bar]");
    if (!bar) return;
    var n = form.querySelectorAll('input[name="ids"]:checked').length;
    bar.querySelector("[data-selected-count]").textContent = "已选" + n + "件";
    bar.classList.toggle("has-selection", n > 0);
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.form || box.type !== "checkbox") return;
    var name = box.getAttribute("data-select-all");
    if (name) {
      box.form.querySelectorAll('input[name="' + name + '"]').forEach(function (each) {
        each.checked = box.checked;
      });
    }
    if (name || box.name === "ids") countSelection(box.form);
  });

  // A box that narrows a long list of choices (data-filter-choices="#list"): the entries
  // whose text does not hold what is typed hide; ticked ones stay ticked either way.
  document.addEventListener("input", function (event) {
    var box = event.target;
    var target = box.getAttribute && box.getAttribute("data-filter-choices");
    if (!target) return;
    var words = box.value.trim();
    var shown = 0;
    document.querySelectorAll(target + " > *").forEach(function (entry) {
      entry.hidden = words !== "" && entry.textContent.indexOf(words) === -1;
      if (!entry.hidden) shown += 1;
    });
    var none = document.querySelector('[data-filter-empty="' + target + '"]');
    if (none) none.hidden = shown > 0;
  });

  // Type-ahead pickers (suggestions/pickers.py): every <select data-typeahead> becomes a
  // Tom Select. An empty attribute filters the rendered options; a URL asks the server
  // for matches as the user types. The <select> stays the form's field, and its change
  // event still drives the list's filter form.
  var TEXTS = {
    no_results: "没有找到，请换个关键词",
    loading: "正在查找…"
  };
  function typeahead(select) {
    if (!window.TomSelect || select.tomselect) return;
    var url = select.getAttribute("data-typeahead");
    // The empty choice ("（全部）", "（请选择）") becomes the placeholder, and a single
    // select gets a clear button to return to it.
    var empty = select.querySelector('option[value=""]');
    var hint = url ? "输入姓名查找" : "输入名称查找";
    var settings = {
      allowEmptyOption: false,
      closeAfterSelect: !select.multiple,
      maxOptions: 50,
      placeholder: empty ? empty.textContent.trim() + " " + hint : hint,
      plugins: select.multiple ? ["remove_button"] : empty ? { clear_button: { title: "清除" } } : [],
      render: {
        no_results: function () {
          return '<div class="no-results">' + TEXTS.no_results + "</div>";
        },
        loading: function () {
          return '<div class="loading">' + TEXTS.loading + "</div>";
        }
      }
    };
    if (url) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = ["text"];
      settings.shouldLoad = function (query) {
        return query.trim().length > 0;
      };
      settings.load = function (query, callback) {
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      };
    }
    new window.TomSelect(select, settings);
  }
  function typeaheads(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("select[data-typeahead]").forEach(typeahead);
  }
  // A refused form comes back with its errors, and a long page reloads at its top: bring
  // the first error into view and put the cursor in its field.
  function showFirstError() {
    var error = document.querySelector("form .has-error, form p.error, form .alert.error");
    if (!error) return;
    var box = error.closest(".field") || error;
    box.scrollIntoView({ block: "center" });
    // A picker (Tom Select) opens its list on focus, which would cover the error: leave
    // it to the user's click.
    if (box.querySelector(".ts-wrapper")) return;
    var field = box.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus({ preventScroll: true });
  }
  document.addEventListener("DOMContentLoaded", function () {
    typeaheads(document);
    showFirstError();
    // A list re-rendered with rows still ticked (a refused bulk assign) counts them.
    document.querySelectorAll("form [data-bulk-bar]").forEach(function (bar) {
      countSelection(bar.closest("form"));
    });
  });
  document.addEventListener("htmx:load", function (event) {
    typeaheads(event.target);
  });
})();
