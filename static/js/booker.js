// "Choose a day, then a time" on one page: a day's link opens its times (the section of the
// day's own page, fetched) below the days, and focus moves to their heading. Without
// JavaScript, or when the fetch fails, the link opens the day's page as usual.
(function () {
  "use strict";
  var days = document.querySelector("[data-booker]");
  var slot = document.getElementById("times-slot");
  if (!days || !slot || !window.fetch || !window.DOMParser) { return; }
  days.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.day-link") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var section = doc.getElementById("times-section");
        if (!section) { return Promise.reject("no times"); }
        slot.replaceChildren(document.importNode(section, true));
        days.querySelectorAll("a.day-link[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
        link.setAttribute("aria-current", "true");
        var heading = document.getElementById("times-heading");
        if (heading) { heading.focus(); }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
