// Keeps a live region up to date without a full reload: every element with
// data-refresh="SECONDS" is replaced by the same element of a fresh copy of this page.
// Without JavaScript the page works as it is (reload to update).
(function () {
  "use strict";
  var live = document.querySelector("[data-refresh]");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var seconds = Math.max(5, parseInt(live.getAttribute("data-refresh"), 10) || 15);
  function update() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById(live.id);
        // Do not disturb someone typing in a form inside the region.
        if (fresh && !live.contains(document.activeElement)) { live.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* try again at the next tick */ });
  }
  window.setInterval(update, seconds * 1000);
})();
