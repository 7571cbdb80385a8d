// Display board: polls <data-url>?since=<last call id> every 3 seconds, redraws the number per
// counter and the last calls, and for every new call plays a chime (WebAudio, no audio file) and
// speaks it in Indonesian (speechSynthesis, lang id-ID) once sound was turned on with one tap
// (browsers block sound until a gesture). After a network drop it shows "reconnecting…" and
// retries with a growing pause (3 s doubling up to 30 s), and at once when the browser is online.
(function () {
  "use strict";

  var POLL_MS = 3000;
  var MAX_BACKOFF_MS = 30000;
  var FETCH_TIMEOUT_MS = 8000;
  var CHIME_MS = 900;
  var SPEECH_FALLBACK_MS = 7000;

  var root = document.getElementById("board");
  if (!root || !window.fetch) {
    return;
  }
  var dataUrl = root.dataset.url;
  var lastId = parseInt(root.dataset.lastId || "0", 10) || 0;
  var timeZone = root.dataset.timezone || undefined;
  var labelCalled = root.dataset.labelCalled || "";
  var labelCounter = root.dataset.labelCounter || "";
  var labelSoundOn = root.dataset.labelSoundOn || "";

  var statusEl = document.getElementById("board-status");
  var soundButton = document.getElementById("board-sound");
  var latestEl = document.getElementById("board-latest");
  var recentEl = document.getElementById("board-recent");
  var countersEl = document.getElementById("board-counters");
  var clockEl = document.getElementById("board-clock");

  var soundOn = false;
  var audio = null;
  var failures = 0;
  var timer = null;
  var queue = [];
  var speaking = false;

  // --- Time -----------------------------------------------------------------------------
  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: timeZone });
  } catch (e) {
    timeFormat = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit" });
  }
  function formatTime(date) {
    return timeFormat.format(date).replace(":", ".");
  }
  function tick() {
    if (clockEl) {
      clockEl.textContent = formatTime(new Date());
    }
  }

  // --- Sound ----------------------------------------------------------------------------
  function chime() {
    if (!audio) {
      return;
    }
    var t = audio.currentTime;
    [[880, 0, 0.35], [660, 0.4, 0.5]].forEach(function (note) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, t + note[1]);
      gain.gain.exponentialRampToValueAtTime(0.4, t + note[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + note[2]);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + note[1]);
      osc.stop(t + note[1] + note[2] + 0.05);
    });
  }

  function indonesianVoice() {
    var voices = window.speechSynthesis.getVoices ? window.speechSynthesis.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").replace("_", "-").toLowerCase().indexOf("id") === 0) {
        return voices[i];
      }
    }
    return null;
  }

  function speak(text, done) {
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) {
      done();
      return;
    }
    var finished = false;
    function finish() {
      if (!finished) {
        finished = true;
        done();
      }
    }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "id-ID";
    utterance.rate = 0.9;
    var voice = indonesianVoice();
    if (voice) {
      utterance.voice = voice;
    }
    utterance.onend = finish;
    utterance.onerror = finish;
    window.speechSynthesis.speak(utterance);
    window.setTimeout(finish, SPEECH_FALLBACK_MS);
  }

  function nextAnnouncement() {
    if (speaking || !queue.length) {
      return;
    }
    var call = queue.shift();
    speaking = true;
    chime();
    window.setTimeout(function () {
      speak(call.speech, function () {
        speaking = false;
        nextAnnouncement();
      });
    }, CHIME_MS);
  }

  function announce(call) {
    if (soundOn) {
      queue.push(call);
      nextAnnouncement();
    }
  }

  function enableSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context && !audio) {
      try {
        audio = new Context();
      } catch (e) {
        audio = null;
      }
    }
    if (audio && audio.state === "suspended") {
      audio.resume();
    }
    soundOn = true;
    soundButton.setAttribute("aria-pressed", "true");
    soundButton.textContent = labelSoundOn;
    chime();
  }

  // --- Drawing --------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function showLatest(call) {
    latestEl.replaceChildren(
      el("p", "board__latest-code", call.code),
      (function () {
        var p = el("p", "board__latest-counter", labelCalled + " ");
        p.appendChild(el("strong", "", call.counter));
        return p;
      })()
    );
  }

  function drawRecent(recent) {
    var items = recent.map(function (call) {
      var li = el("li");
      li.appendChild(el("span", "board__recent-code", call.code));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "board__recent-counter", labelCounter + " " + call.counter));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "board__recent-time", formatTime(new Date(call.at))));
      return li;
    });
    recentEl.replaceChildren.apply(recentEl, items);
  }

  function drawCounters(counters) {
    counters.forEach(function (row) {
      var item = countersEl.querySelector('[data-counter-id="' + row.id + '"]');
      if (!item) {
        return;
      }
      var code = item.querySelector(".board__counter-code");
      var text = row.code || "–";
      if (code && code.textContent !== text) {
        code.textContent = text;
      }
      item.classList.toggle("board__counter--busy", !!row.code);
    });
  }

  function flash(call, counters) {
    counters.forEach(function (row) {
      if (row.counter === call.counter) {
        var item = countersEl.querySelector('[data-counter-id="' + row.id + '"]');
        if (item) {
          item.classList.remove("board__counter--flash");
          void item.offsetWidth; // restart the animation
          item.classList.add("board__counter--flash");
        }
      }
    });
  }

  // --- Polling --------------------------------------------------------------------------
  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, ms);
  }

  function online() {
    failures = 0;
    statusEl.hidden = true;
  }

  function offline() {
    failures += 1;
    statusEl.hidden = false;
  }

  function poll() {
    var controller = window.AbortController ? new AbortController() : null;
    var abort = controller ? window.setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS) : null;
    fetch(dataUrl + "?since=" + encodeURIComponent(lastId), {
      cache: "no-store",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        window.clearTimeout(abort);
        online();
        drawCounters(data.counters || []);
        drawRecent(data.recent || []);
        (data.calls || []).forEach(function (call) {
          showLatest(call);
          flash(call, data.counters || []);
          announce(call);
        });
        if (typeof data.last_id === "number") {
          lastId = data.last_id;
        }
        schedule(POLL_MS);
      })
      .catch(function () {
        window.clearTimeout(abort);
        offline();
        schedule(Math.min(MAX_BACKOFF_MS, POLL_MS * Math.pow(2, failures - 1)));
      });
  }

  // --- Start ----------------------------------------------------------------------------
  soundButton.hidden = false;
  soundButton.addEventListener("click", enableSound);
  window.addEventListener("online", function () { schedule(0); });
  var marquee = document.querySelector(".board__marquee-text");
  if (marquee) {
    // About 8 characters a second, never faster than 20 seconds a pass (CSSOM, allowed by CSP).
    marquee.style.setProperty("--marquee-duration", Math.max(20, Math.round(marquee.textContent.length / 8)) + "s");
  }
  tick();
  window.setInterval(tick, 15000);
  schedule(POLL_MS);
})();
