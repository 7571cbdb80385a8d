/* Service worker of the survey kiosk (rendered by Django so it knows the static file names).
 * It keeps the kiosk page, its static files and the last configuration for offline use.
 * Answers are not its business: kiosk.js keeps them in IndexedDB and sends them itself. */
"use strict";
const CACHE = "mutu-survey-kiosk-{{ version }}";
const SHELL = {{ shell|safe }};
const KIOSK_URL = {{ kiosk_url|safe }};
const CONFIG_URL = {{ config_url|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("mutu-survey-kiosk-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key, {ignoreSearch: true});
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === KIOSK_URL && request.mode === "navigate") {
    event.respondWith(networkFirst(request, KIOSK_URL));
  } else if (url.pathname === CONFIG_URL) {
    event.respondWith(networkFirst(request, CONFIG_URL));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(request));
  }
});
