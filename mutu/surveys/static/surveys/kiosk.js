/* kiosk.js: the offline survey kiosk (SKM) on a registered tablet.
 *
 * - Loads the tablet's configuration (open survey, questions, answer scales with faces) from
 *   the API with the device token (Authorization: Device <token>); the last one is kept in
 *   localStorage (and by the service worker) so the kiosk starts offline too.
 * - One question per screen with large face-and-word buttons; "Aktifkan suara" reads each
 *   screen aloud with speechSynthesis (only after that tap: browsers need a user gesture).
 * - A finished questionnaire is saved first to IndexedDB with a client id (crypto.randomUUID)
 *   and the time answered, then sent in batches; sent items leave IndexedDB. Offline, they
 *   wait and are retried when the "online" event fires and every few seconds.
 * - Resets after each respondent and after inactivity (with a visible countdown).
 * No innerHTML: every text from the server goes through textContent.
 */
(function () {
  "use strict";

  const root = document.getElementById("kiosk");
  if (!root) return;
  const T = JSON.parse(document.getElementById("kiosk-strings").textContent);
  const screen = document.getElementById("kiosk-screen");
  const statusLine = document.getElementById("kiosk-status");
  const voiceButton = document.getElementById("kiosk-voice");
  const voiceLabel = document.getElementById("kiosk-voice-label");
  const idleDialog = document.getElementById("kiosk-idle");
  const idleText = document.getElementById("kiosk-idle-text");
  const placeLine = document.getElementById("kiosk-place");
  const subLine = document.getElementById("kiosk-sub");

  const CONFIG_URL = root.dataset.configUrl;
  const RESPONSES_URL = root.dataset.responsesUrl;
  const FACES_URL = root.dataset.facesUrl;
  const DEVICE_HEADER = root.dataset.deviceHeader;
  const IDLE_SECONDS = Number(root.dataset.idleSeconds) || 60;
  const WARN_SECONDS = Number(root.dataset.warnSeconds) || 15;
  const THANKS_SECONDS = Number(root.dataset.thanksSeconds) || 8;
  const SYNC_SECONDS = Number(root.dataset.syncSeconds) || 30;
  const BATCH_SIZE = 100;
  const TOKEN_KEY = "mutu.surveyKiosk.token";
  const CONFIG_KEY = "mutu.surveyKiosk.config";
  const DB_NAME = "mutu-survey-kiosk";

  let config = null;
  let registered = true;
  let voiceOn = false;
  let steps = [];
  let stepIndex = -1;
  let answers = {};
  let profile = {};
  let serviceId = null;
  let suggestion = "";
  let idleTimer = null;
  let warnTimer = null;
  let warnLeft = 0;
  let thanksTimer = null;
  let syncing = false;
  let offline = !navigator.onLine;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_m, name) => String(values[name]));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  // ---------- Storage: the token, the last configuration, the queue in IndexedDB ----------

  function token() {
    try { return localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }

  function authHeaders() {
    const headers = {Accept: "application/json"};
    headers[DEVICE_HEADER] = "1"; // lets the HttpOnly cookie count when localStorage was cleared
    const t = token();
    if (t) headers.Authorization = "Device " + t;
    return headers;
  }

  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const database = request.result;
          if (!database.objectStoreNames.contains("pending")) database.createObjectStore("pending", {keyPath: "client_id"});
          if (!database.objectStoreNames.contains("failed")) database.createObjectStore("failed", {keyPath: "client_id"});
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function store(name, mode, work) {
    const database = await db();
    return new Promise((resolve, reject) => {
      const tx = database.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const queue = {
    add: (item) => store("pending", "readwrite", (s) => s.put(item)),
    all: () => store("pending", "readonly", (s) => s.getAll()),
    count: () => store("pending", "readonly", (s) => s.count()),
    remove: (ids) => store("pending", "readwrite", (s) => { ids.forEach((id) => s.delete(id)); }),
    fail: (items) => db().then((database) => new Promise((resolve, reject) => {
      const tx = database.transaction(["pending", "failed"], "readwrite");
      items.forEach((item) => { tx.objectStore("failed").put(item); tx.objectStore("pending").delete(item.client_id); });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    })),
  };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---------- Status line ----------

  async function updateStatus() {
    let pending = 0;
    try { pending = await queue.count(); } catch (e) { pending = 0; }
    let text;
    if (!registered) text = T.not_registered;
    else if (pending) text = fmt(pending === 1 ? T.pending_one : T.pending_other, {n: pending});
    else text = T.all_sent;
    if (offline) text = T.offline + " " + (pending ? text : "");
    statusLine.textContent = text.trim();
    statusLine.dataset.pending = String(pending);
    root.classList.toggle("is-offline", offline);
  }

  // ---------- Sending ----------

  async function post(batch) {
    return fetch(RESPONSES_URL, {
      method: "POST",
      headers: Object.assign({"Content-Type": "application/json"}, authHeaders()),
      credentials: "same-origin",
      body: JSON.stringify({responses: batch}),
    });
  }

  async function sendBatch(batch) {
    const response = await post(batch);
    if (response.status === 200) {
      const body = await response.json();
      const done = body.results.map((r) => r.client_id);
      await queue.remove(done);
      return true;
    }
    if (response.status === 401 || response.status === 403) {
      registered = false;
      return false;
    }
    if (response.status === 422) {
      // A batch the server refuses as a whole: find the items it refuses, keep them aside.
      if (batch.length === 1) {
        await queue.fail(batch);
        return true;
      }
      for (const item of batch) {
        if (!(await sendBatch([item]))) return false;
      }
      return true;
    }
    return false; // server trouble: try again later
  }

  async function sync() {
    if (syncing || !registered) return updateStatus();
    syncing = true;
    try {
      const items = await queue.all();
      for (let i = 0; i < items.length; i += BATCH_SIZE) {
        if (!(await sendBatch(items.slice(i, i + BATCH_SIZE)))) break;
      }
      offline = false;
    } catch (error) {
      offline = true; // fetch failed: no network
    } finally {
      syncing = false;
      updateStatus();
    }
  }

  // ---------- Configuration ----------

  async function loadConfig() {
    try {
      const response = await fetch(CONFIG_URL, {headers: authHeaders(), credentials: "same-origin", cache: "no-store"});
      if (response.status === 401 || response.status === 403) {
        registered = false;
        config = null;
        try { localStorage.removeItem(CONFIG_KEY); } catch (e) { /* private mode */ }
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      registered = true;
      config = await response.json();
      try { localStorage.setItem(CONFIG_KEY, JSON.stringify(config)); } catch (e) { /* full */ }
    } catch (error) {
      if (!config) {
        try { config = JSON.parse(localStorage.getItem(CONFIG_KEY) || "null"); } catch (e) { config = null; }
      }
    }
  }

  // ---------- Speech ----------

  function speak(text) {
    if (!voiceOn || !("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "id-ID";
    utterance.rate = 0.95;
    window.speechSynthesis.speak(utterance);
  }

  function setVoice(on) {
    voiceOn = on;
    voiceButton.setAttribute("aria-pressed", on ? "true" : "false");
    voiceLabel.textContent = on ? T.voice_off : T.voice_on;
    if (on) speak(screen.dataset.speech || "");
    else if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  }

  // ---------- Screens ----------

  function buildSteps() {
    const survey = config.survey;
    const list = survey.questions.map((q) => ({kind: "question", question: q}));
    config.profile.forEach((field) => list.push({kind: "profile", field}));
    if (survey.services.length) list.push({kind: "service"});
    list.push({kind: "suggestion"});
    return list;
  }

  function show(nodes, speech) {
    screen.replaceChildren(...nodes);
    screen.dataset.speech = speech || "";
    const heading = screen.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: false});
    }
    speak(speech);
  }

  function header() {
    if (!config) return;
    const d = config.device;
    placeLine.textContent = config.survey ? config.survey.name : T.title;
    const parts = [d.unit, d.location];
    if (d.counter) parts.push(d.counter + (d.is_disability_counter ? " · " + T.disability_counter : ""));
    subLine.textContent = parts.filter(Boolean).join(" · ");
  }

  function showStart() {
    stepIndex = -1;
    answers = {};
    profile = {};
    serviceId = null;
    suggestion = "";
    stopIdle();
    header();
    if (!registered) {
      voiceButton.hidden = true;
      show([el("h1", {class: "skiosk-title", text: T.title}), el("p", {class: "skiosk-lead skiosk-alert", text: T.not_registered})]);
      return;
    }
    if (!config) {
      show([el("h1", {class: "skiosk-title", text: T.title}), el("p", {class: "skiosk-lead", text: T.no_config})]);
      return;
    }
    voiceButton.hidden = false;
    if (!config.survey) {
      show([el("h1", {class: "skiosk-title", text: T.title}), el("p", {class: "skiosk-lead", text: config.message})], config.message);
      return;
    }
    steps = buildSteps();
    const lead = config.survey.intro || T.start_lead;
    show([
      el("h1", {class: "skiosk-title skiosk-title--start", text: T.title}),
      el("p", {class: "skiosk-lead", text: lead}),
      el("div", {class: "skiosk-faces-row", "aria-hidden": "true"}, ["very_sad", "sad", "happy", "very_happy"].map(
        (face) => el("img", {src: FACES_URL.replace("{face}", face), alt: "", width: "64", height: "64"})
      )),
      el("div", {class: "skiosk-actions"}, [
        el("button", {type: "button", class: "skiosk-btn skiosk-btn--primary skiosk-btn--start", id: "kiosk-start", text: T.start, onclick: () => go(0)}),
      ]),
    ], T.title + ". " + lead);
  }

  function progress(index) {
    const total = steps.length;
    return el("p", {class: "skiosk-progress"}, [
      el("span", {text: fmt(T.question_of, {n: index + 1, total})}),
      el("progress", {class: "skiosk-progress__bar", value: String(index + 1), max: String(total), "aria-hidden": "true"}),
    ]);
  }

  function nav(index, {skip, next}) {
    const buttons = [];
    buttons.push(el("button", {type: "button", class: "skiosk-btn skiosk-btn--secondary", text: T.back, onclick: () => (index === 0 ? showStart() : go(index - 1))}));
    if (skip) buttons.push(el("button", {type: "button", class: "skiosk-btn skiosk-btn--secondary", text: T.skip, onclick: skip}));
    if (next) buttons.push(next);
    return el("div", {class: "skiosk-nav"}, buttons);
  }

  function choiceButtons(options, selected, onChoose, labelledBy, withFaces) {
    return el("div", {class: "skiosk-options" + (withFaces ? " skiosk-options--faces" : ""), role: "group", "aria-labelledby": labelledBy},
      options.map((option) => el("button", {
        type: "button",
        class: "skiosk-option",
        "aria-pressed": String(selected === option.value),
        "data-value": String(option.value),
        onclick: (event) => {
          event.currentTarget.setAttribute("aria-pressed", "true");
          onChoose(option.value);
        },
      }, [
        withFaces && option.face ? el("img", {class: "skiosk-option__face", src: FACES_URL.replace("{face}", option.face), alt: "", width: "96", height: "96"}) : null,
        el("span", {class: "skiosk-option__label", text: option.label}),
      ])));
  }

  function go(index) {
    clearTimeout(thanksTimer);
    if (index >= steps.length) return finish();
    stepIndex = index;
    touch();
    const step = steps[index];
    const titleId = "kiosk-q-" + index;
    if (step.kind === "question" && step.question.kind === "scale") {
      const q = step.question;
      const choose = (value) => { answers[q.code] = value; setTimeout(() => go(index + 1), 250); };
      show([
        progress(index),
        el("h1", {class: "skiosk-question", id: titleId, text: q.text}),
        choiceButtons(q.options, answers[q.code], choose, titleId, true),
        nav(index, {skip: q.required ? null : () => { delete answers[q.code]; go(index + 1); }}),
      ], q.text + ". " + q.options.map((o) => o.label).join(". "));
    } else if (step.kind === "question") {
      const q = step.question;
      const area = el("textarea", {id: "kiosk-text-" + index, rows: "4", maxlength: "2000", class: "skiosk-textarea"});
      area.value = answers[q.code] || "";
      const error = el("p", {class: "skiosk-error", id: "kiosk-text-error-" + index, hidden: true, text: T.type_answer});
      const next = el("button", {type: "button", class: "skiosk-btn skiosk-btn--primary", text: T.next, onclick: () => {
        const value = area.value.trim();
        if (q.required && !value) { error.hidden = false; area.setAttribute("aria-invalid", "true"); area.setAttribute("aria-describedby", error.id); area.focus(); return; }
        if (value) answers[q.code] = value; else delete answers[q.code];
        go(index + 1);
      }});
      show([
        progress(index),
        el("h1", {class: "skiosk-question"}, [el("label", {for: area.id, text: q.text})]),
        error,
        area,
        nav(index, {next}),
      ], q.text);
    } else if (step.kind === "profile") {
      const field = step.field;
      const choose = (value) => { profile[field.name] = value; setTimeout(() => go(index + 1), 200); };
      show([
        progress(index),
        el("p", {class: "skiosk-kicker", text: T.about_you}),
        el("h1", {class: "skiosk-question", id: titleId, text: field.label}),
        choiceButtons(field.options, profile[field.name], choose, titleId, false),
        nav(index, {skip: () => { delete profile[field.name]; go(index + 1); }}),
      ], field.label + ". " + field.options.map((o) => o.label).join(". "));
    } else if (step.kind === "service") {
      const options = config.survey.services.map((s) => ({value: s.id, label: s.name}));
      const choose = (value) => { serviceId = value; setTimeout(() => go(index + 1), 200); };
      show([
        progress(index),
        el("h1", {class: "skiosk-question", id: titleId, text: T.service_title}),
        choiceButtons(options, serviceId, choose, titleId, false),
        nav(index, {skip: () => { serviceId = null; go(index + 1); }}),
      ], T.service_title);
    } else {
      const area = el("textarea", {id: "kiosk-suggestion", rows: "5", maxlength: "2000", class: "skiosk-textarea", "aria-describedby": "kiosk-suggestion-help"});
      area.value = suggestion;
      area.addEventListener("input", () => { suggestion = area.value; });
      const send = el("button", {type: "button", class: "skiosk-btn skiosk-btn--primary", id: "kiosk-send", text: T.send, onclick: () => { suggestion = area.value; finish(); }});
      show([
        progress(index),
        el("h1", {class: "skiosk-question"}, [el("label", {for: "kiosk-suggestion", text: T.suggestion_title})]),
        el("p", {class: "skiosk-help", id: "kiosk-suggestion-help", text: T.suggestion_help}),
        area,
        nav(index, {next: send}),
      ], T.suggestion_title + ". " + T.suggestion_help);
    }
  }

  async function finish() {
    stopIdle();
    const item = {
      client_id: uuid(),
      survey_id: config.survey.id,
      answered_at: new Date().toISOString(),
      answers: Object.assign({}, answers),
      profile: Object.assign({}, profile),
      service_id: serviceId,
      suggestion: suggestion.trim(),
    };
    await queue.add(item); // saved on the tablet before anything else
    stepIndex = steps.length;
    show([
      el("h1", {class: "skiosk-title", text: T.thanks_title}),
      el("img", {class: "skiosk-thanks-face", src: FACES_URL.replace("{face}", "very_happy"), alt: "", width: "160", height: "160"}),
      el("p", {class: "skiosk-lead", text: T.thanks_text}),
      el("div", {class: "skiosk-actions"}, [el("button", {type: "button", class: "skiosk-btn skiosk-btn--primary", id: "kiosk-done", text: T.done, onclick: showStart})]),
    ], T.thanks_title + " " + T.thanks_text);
    thanksTimer = setTimeout(showStart, THANKS_SECONDS * 1000);
    updateStatus();
    sync();
  }

  // ---------- Inactivity ----------

  function stopIdle() {
    clearTimeout(idleTimer);
    clearInterval(warnTimer);
    idleTimer = null;
    warnTimer = null;
    if (idleDialog.open) idleDialog.close();
  }

  function touch() {
    if (stepIndex < 0 || stepIndex >= steps.length) return;
    if (idleDialog.open) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(warn, IDLE_SECONDS * 1000);
  }

  function warn() {
    warnLeft = WARN_SECONDS;
    idleText.textContent = fmt(T.idle_text, {n: warnLeft});
    if (typeof idleDialog.showModal === "function") idleDialog.showModal();
    else idleDialog.setAttribute("open", "");
    speak(T.idle_title + " " + idleText.textContent);
    warnTimer = setInterval(() => {
      warnLeft -= 1;
      if (warnLeft <= 0) {
        showStart();
        return;
      }
      idleText.textContent = fmt(T.idle_text, {n: warnLeft});
    }, 1000);
  }

  document.getElementById("kiosk-idle-continue").addEventListener("click", () => {
    clearInterval(warnTimer);
    idleDialog.close();
    touch();
  });
  idleDialog.addEventListener("cancel", (event) => { event.preventDefault(); clearInterval(warnTimer); idleDialog.close(); touch(); });
  ["pointerdown", "keydown", "input"].forEach((type) => document.addEventListener(type, touch, {passive: true}));

  voiceButton.addEventListener("click", () => setVoice(!voiceOn));

  // ---------- Start ----------

  window.addEventListener("online", () => { offline = false; sync(); });
  window.addEventListener("offline", () => { offline = true; updateStatus(); });

  async function refreshConfigWhenIdle() {
    if (stepIndex >= 0) return;
    await loadConfig();
    if (stepIndex < 0) showStart();
  }

  async function start() {
    if ("serviceWorker" in navigator && root.dataset.swUrl) {
      navigator.serviceWorker.register(root.dataset.swUrl).catch(() => { /* not a secure context */ });
    }
    await loadConfig();
    showStart();
    sync();
    setInterval(sync, SYNC_SECONDS * 1000);
    setInterval(refreshConfigWhenIdle, 10 * 60 * 1000);
  }

  // Tests and the developer console can look at the kiosk's state.
  window.mutuSurveyKiosk = {sync, queue, updateStatus};
  start();
})();
