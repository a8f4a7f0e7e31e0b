// Tập Huấn's service worker (docs/offline.md). It keeps only what the learner chose to save (caches named
// "th-c|<course>|<revision>" and "th-shell"), answers from them when there is no signal, and puts the
// learning posts it could not send (a lesson marked done, a quiz submitted) into the queue that the page
// script (offline.js) sends. The server grades and decides; nothing here knows an answer key.
'use strict';

function db() {
  return new Promise((ok, fail) => {
    const r = indexedDB.open('taphuan-offline', 1);
    r.onupgradeneeded = () => {
      for (const [name, key] of [['courses', 'slug'], ['outbox', 'id'], ['meta', 'k']]) r.result.createObjectStore(name, { keyPath: key });
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}
async function store(name, mode, fn) {
  const d = await db();
  return new Promise((ok, fail) => {
    const t = d.transaction(name, mode);
    const req = fn(t.objectStore(name));
    t.oncomplete = () => ok(req && req.result);
    t.onerror = t.onabort = () => fail(t.error || new Error('indexedDB aborted'));
  });
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

const POSTS = /^\/khoa-hoc\/([^/]+)\/kiem-tra\/([^/]+)\/(ve|lan)\/([0-9a-f-]{36})\/nop$/;

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.method === 'POST') {
    const m = url.pathname.match(POSTS);
    if (m) e.respondWith(postOrQueue(req, { kind: 'attempt', course: dec(m[1]), quiz: dec(m[2]), id: m[4] }));
    else if (url.pathname === '/api/mark_lesson_done') e.respondWith(postOrQueue(req, { kind: 'lesson' }));
    return;
  }
  if (req.method !== 'GET' || url.pathname.startsWith('/ngoai-tuyen/') || url.pathname.startsWith('/api/')) return;
  e.respondWith(req.mode === 'navigate' ? page(req, url) : file(req, url));
});

function dec(s) {
  try { return decodeURIComponent(s); } catch (_) { return s; }
}

// Online, the post goes to the server as it is and its answer (a redirect) is the learner's. When it cannot
// be sent, or the server does not take it (no signal, a signed-out session, a server error), it is kept in
// the queue under its own id and the learner is sent back to the saved course, which shows the queue; the
// queue then says why it waits.
async function postOrQueue(req, rec) {
  const body = new URLSearchParams(await req.clone().text());
  try {
    const res = await fetch(req);
    if (res.type === 'opaqueredirect' || (res.status >= 200 && res.status < 400)) return res;
  } catch (_) { /* no signal: queue it */ }
  const now = Date.now();
  let back;
  if (rec.kind === 'lesson') {
    rec.course = body.get('course') || '';
    rec.lesson = body.get('lesson') || '';
    rec.learner = body.get('learner') || null;
    back = '/khoa-hoc/' + encodeURIComponent(rec.course) + '/bai/' + encodeURIComponent(rec.lesson);
    const queued = (await store('outbox', 'readonly', (s) => s.getAll())) || [];
    const same = queued.find((r) => r.kind === 'lesson' && r.course === rec.course && r.lesson === rec.lesson && r.state !== 'refused');
    if (same) return Response.redirect(back, 303);
    rec.id = body.get('record') || crypto.randomUUID();
  } else {
    const num = (k) => (/^\d+$/.test(body.get(k) || '') ? Number(body.get(k)) : null);
    rec.answers = [...body].filter(([k]) => k.startsWith('q_'));
    rec.started = num('started');
    rec.at = num('at') || now;
    back = '/khoa-hoc/' + encodeURIComponent(rec.course);
  }
  rec.at = rec.at || now;
  rec.state = 'queued';
  rec.queued_at = now;
  await store('outbox', 'readwrite', (s) => s.put(rec));
  return Response.redirect(back + '#hang-doi', 303);
}

// A page: from the network when there is signal (a saved copy is refreshed, and used if the network takes
// too long), else the saved copy, else for a quiz this phone holds a ticket for, the ticket; else the
// saved-courses page, which says the page was not saved.
async function page(req, url) {
  const saved = await caches.match(url.pathname);
  try {
    const res = await (saved ? Promise.race([fetch(req), late(6000)]) : fetch(req));
    if (saved && res.status >= 500) return saved;
    if (saved && res.ok && !res.redirected) refresh(url.pathname, res.clone());
    return res;
  } catch (_) {
    if (saved) return saved;
    const ticket = await ticketFor(url.pathname);
    if (ticket) return ticket;
    return (await caches.match('/hoc-khong-can-mang')) || new Response(
      '<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Không có mạng</title><h1>Không có mạng</h1><p>Trang này chưa được lưu trên máy. / This page is not saved on this phone.</p>' +
      '<p><a href="/hoc-khong-can-mang">Học không cần mạng</a></p></html>',
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
}

function late(ms) {
  return new Promise((_, fail) => setTimeout(() => fail(new Error('slow')), ms));
}

async function refresh(path, res) {
  for (const name of await caches.keys()) {
    if (!name.startsWith('th-c|')) continue;
    const c = await caches.open(name);
    if (await c.match(path)) return c.put(path, res);
  }
}

async function ticketFor(path) {
  const m = path.match(/^\/khoa-hoc\/([^/]+)\/kiem-tra\/([^/]+)$/);
  if (!m) return null;
  const course = await store('courses', 'readonly', (s) => s.get(dec(m[1])));
  if (!course) return null;
  const queued = new Set(((await store('outbox', 'readonly', (s) => s.getAll())) || []).map((r) => r.id));
  for (const t of course.tickets || []) {
    if (t.quiz !== dec(m[2]) || t.used || queued.has(t.id)) continue;
    const hit = await caches.match(t.url);
    if (hit) return hit;
  }
  return null;
}

// Files: hashed bundles and saved course images from the saved copy; anything else from the network first.
async function file(req, url) {
  // Saving a course asks for fresh copies.
  if (req.cache === 'no-store') return fetch(req);
  const hit = await caches.match(req, { ignoreVary: true });
  if (hit && (url.pathname.startsWith('/pkg/') || url.pathname.includes('/tep/'))) return hit;
  try {
    return await fetch(req);
  } catch (err) {
    if (hit) return hit;
    throw err;
  }
}
