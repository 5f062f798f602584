// The lobby board on a TV: follows the calls every few seconds without a reload; a new call
// (or a recall) flashes its zone, plays a chime and, where the browser can speak, says it in
// Korean and then English. When the server does not answer it keeps the last board, says it
// is offline and keeps retrying (slower, up to every 30 seconds) until it is back.
// Browsers play sound only after a gesture: the "sound on" button is that gesture (a kiosk
// started with --autoplay-policy=no-user-gesture-required needs none).
// Without JavaScript the page reloads itself every 30 seconds (<noscript> refresh).
(function () {
  "use strict";
  var board = document.getElementById("lobby-board");
  if (!board || !window.fetch || !window.DOMParser) { return; }
  var offline = document.getElementById("lobby-offline");
  var button = document.getElementById("lobby-sound");
  var audio = null;
  var soundOn = false;

  function calls() {
    var seen = {};
    var zones = board.querySelectorAll("[data-zone]");
    for (var i = 0; i < zones.length; i++) {
      seen[zones[i].getAttribute("data-zone")] = zones[i].getAttribute("data-call") || "";
    }
    return seen;
  }
  var seen = calls();

  function enableSound() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) { audio = new Ctx(); }
      if (audio && audio.state === "suspended") { audio.resume(); }
    } catch (e) { audio = null; }
    soundOn = true;
    if (button) { button.hidden = true; }
  }

  function chime() {
    if (!soundOn || !audio) { return; }
    var t = audio.currentTime;
    [880, 660].forEach(function (freq, i) {
      var start = t + i * 0.4;
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.5, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.7);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.75);
    });
  }

  function say(zone) {
    if (!soundOn || !window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
    [["ko-KR", zone.getAttribute("data-say-ko")], ["en-US", zone.getAttribute("data-say-en")]].forEach(function (p) {
      if (!p[1]) { return; }
      var u = new window.SpeechSynthesisUtterance(p[1]);
      u.lang = p[0];
      u.rate = 0.9;
      window.speechSynthesis.speak(u);
    });
  }

  function announce(zone) {
    zone.classList.remove("is-new");
    void zone.offsetWidth; // restart the flash
    zone.classList.add("is-new");
    chime();
    window.setTimeout(function () { say(zone); }, 1000);
  }

  var failures = 0;
  function next(ms) { window.setTimeout(update, ms); }
  function update() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("lobby-board");
        if (!fresh) { throw new Error("not the lobby board"); }
        board.innerHTML = fresh.innerHTML;
        var now = calls();
        Object.keys(now).forEach(function (code) {
          if (now[code] && now[code] !== seen[code]) {
            var zone = board.querySelector('[data-zone="' + code + '"]');
            if (zone) { announce(zone); }
          }
        });
        seen = now;
        failures = 0;
        if (offline) { offline.hidden = true; }
        next(4000);
      })
      .catch(function () {
        failures += 1;
        if (offline) { offline.hidden = false; }
        next(Math.min(30000, 4000 * failures));
      });
  }

  if (button) {
    button.hidden = false;
    button.addEventListener("click", enableSound);
  }
  // A kiosk allowed to play sound without a gesture starts with sound on.
  try {
    var Probe = window.AudioContext || window.webkitAudioContext;
    if (Probe) {
      audio = new Probe();
      if (audio.state === "running") { enableSound(); }
    }
  } catch (e) { audio = null; }
  next(4000);
})();
