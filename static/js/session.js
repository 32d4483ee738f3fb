/* Idle-session warning (DESIGN §13): the server ends a session after SESSION_IDLE_SECONDS
   without a request; this warns two minutes before and lets the user keep working. Any
   request the page makes (a link, a form, an htmx request) restarts the count. */
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var idle = parseInt(box.dataset.idleSeconds, 10) || 1800;
  var warn = Math.min(parseInt(box.dataset.warnSeconds, 10) || 120, idle);
  var countdown = box.querySelector(".countdown");
  var lastActivity = Date.now();

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function restart() { lastActivity = Date.now(); box.hidden = true; }
  function tick() {
    var left = idle - Math.floor((Date.now() - lastActivity) / 1000);
    if (left <= 0) {
      window.location.assign(box.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    if (left <= warn) {
      var minutes = Math.floor(left / 60), seconds = left % 60;
      countdown.textContent = (minutes ? minutes + "分" : "") + seconds + "秒";
      box.hidden = false;
    }
  }
  box.querySelector("[data-keepalive]").addEventListener("click", function () {
    fetch(box.dataset.keepaliveUrl, {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken()}
    }).then(function (response) {
      if (response.ok) { restart(); } else { window.location.assign(box.dataset.loginUrl); }
    });
  });
  document.body.addEventListener("htmx:afterRequest", restart);
  window.setInterval(tick, 1000);
})();
