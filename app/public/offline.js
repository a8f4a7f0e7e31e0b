// Tập Huấn's page script for learning without signal (docs/offline.md): the course page's save button,
// the saved-courses page, the queue's states on every page, and sending the queue (one request) on load,
// on `online` and when the page becomes visible. The service worker (sw.js) serves what is saved.
(() => {
  'use strict';
  if (window.__thOffline) return;
  window.__thOffline = true;
  const en = document.documentElement.lang === 'en';
  const T = en ? {
    save: 'Save to learn offline', update: 'Update the saved copy', about: 'About %s to download', saving: 'Saving… %s%',
    saved: 'Saved on this phone: %s, %d.', newer: 'There is an update (Có bản cập nhật).', failed: 'Not saved: the connection dropped. Try again when there is signal.',
    cannot: 'This browser cannot keep courses for offline use.', remove: 'Remove from this phone', queued: 'Saved on the phone',
    sending: 'Sending', sent: 'Sent', refused: 'Not accepted', signin: 'Sign in again to send', result: 'See the result',
    certificate: 'Certificate', passed: 'passed', notpassed: 'not passed', notcounted: 'not counted (no attempts left)',
    lesson: 'Lesson done', quiz: 'Quiz', hide: 'Hide', empty: 'Nothing is waiting to be sent.',
    other: 'Waiting for its own learner to sign in', queue: 'Waiting to be sent', usage: 'Space used on this phone: %s.',
    left: 'Only the form on the phone: it is sent when there is signal.', done_here: '✓ Saved on the phone — sent when there is signal.',
  } : {
    save: 'Lưu để học khi không có mạng', update: 'Cập nhật bản đã lưu', about: 'Tải về khoảng %s', saving: 'Đang lưu… %s%',
    saved: 'Đã lưu trên máy: %s, lúc %d.', newer: 'Có bản cập nhật.', failed: 'Chưa lưu xong vì mất mạng. Hãy thử lại khi có mạng.',
    cannot: 'Trình duyệt này không lưu được khoá học để học khi không có mạng.', remove: 'Xoá khỏi máy', queued: 'Đã lưu trên máy',
    sending: 'Đang gửi', sent: 'Đã gửi', refused: 'Không được nhận', signin: 'Cần đăng nhập lại để gửi', result: 'Xem kết quả',
    certificate: 'Chứng nhận', passed: 'đạt', notpassed: 'chưa đạt', notcounted: 'không được tính (đã hết lượt)',
    lesson: 'Bài đã học xong', quiz: 'Bài kiểm tra', hide: 'Ẩn', empty: 'Không có gì chờ gửi.',
    other: 'Chờ đúng người học đăng nhập để gửi', queue: 'Chờ gửi lên máy chủ', usage: 'Dung lượng đang dùng trên máy: %s.',
    left: 'Bài làm trên máy: gửi khi có mạng.', done_here: '✓ Đã lưu trên máy — sẽ gửi khi có mạng.',
  };
  const fmt = (s, ...a) => a.reduce((acc, v) => acc.replace(/%[sd]/, v), s);
  const kb = (n) => (n < 1e6 ? Math.ceil(n / 1000) + ' KB' : (n / 1e6).toFixed(1).replace('.', en ? '.' : ',') + ' MB');
  const when = (ms) => new Date(ms).toLocaleString(en ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    e.append(...kids.filter((k) => k != null));
    return e;
  };

  if (!('serviceWorker' in navigator && 'caches' in window && 'indexedDB' in window)) {
    for (const box of document.querySelectorAll('[data-offline-ui]')) { box.hidden = false; box.replaceChildren(el('p', { class: 'muted' }, T.cannot)); }
    return;
  }

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
  const all = (name) => store(name, 'readonly', (s) => s.getAll()).then((r) => r || []);
  const put = (name, v) => store(name, 'readwrite', (s) => s.put(v));
  const del = (name, k) => store(name, 'readwrite', (s) => s.delete(k));

  async function device() {
    const m = await store('meta', 'readonly', (s) => s.get('device'));
    if (m) return m.v;
    const v = crypto.randomUUID();
    await put('meta', { k: 'device', v });
    return v;
  }
  const keeps = () => document.cookie.split(';').some((c) => c.trim() === 'th_off=1');
  const mark = (on) => { document.cookie = 'th_off=' + (on ? '1; max-age=31536000' : '; max-age=0') + '; path=/; samesite=lax'; };
  const register = () => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready);

  // ---- saving a course ----
  async function saveBox(box) {
    const ui = box.querySelector('[data-offline-ui]');
    if (!ui) return;
    ui.hidden = false;
    const slug = box.dataset.offlineCourse;
    const button = ui.querySelector('[data-save]');
    const status = ui.querySelector('[data-status]');
    const bar = ui.querySelector('[data-progress]');
    const show = async () => {
      const saved = await store('courses', 'readonly', (s) => s.get(slug));
      let est = null;
      try { est = await (await fetch('/ngoai-tuyen/khoa-hoc/' + encodeURIComponent(slug))).json(); } catch (_) { /* offline */ }
      if (saved) {
        button.textContent = T.update;
        status.textContent = fmt(T.saved, kb(saved.bytes), when(saved.saved_at)) + (est && est.revision !== saved.revision ? ' ' + T.newer : '');
      } else {
        button.textContent = T.save;
        status.textContent = est ? fmt(T.about, kb(est.bytes)) : '';
      }
      button.disabled = !navigator.onLine;
    };
    button.addEventListener('click', async () => {
      button.disabled = true;
      bar.hidden = false;
      try {
        const bytes = await save(slug, (p) => { bar.value = p; status.textContent = fmt(T.saving, p); });
        status.textContent = fmt(T.saved, kb(bytes), when(Date.now()));
      } catch (e) {
        status.textContent = T.failed;
      }
      bar.hidden = true;
      await show();
    });
    await show();
  }

  async function save(slug, progress) {
    await register();
    const first = (await all('courses')).length === 0;
    if (first && navigator.storage && navigator.storage.persist) navigator.storage.persist();
    // Before fetching the pages, so the saved pages carry this script (the server adds it on such phones).
    mark(true);
    const res = await fetch('/ngoai-tuyen/khoa-hoc/' + encodeURIComponent(slug), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: await device() }),
    });
    if (!res.ok) throw new Error('manifest ' + res.status);
    const m = await res.json();
    const css = [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname);
    const shell = [...css, '/favicon.svg', '/offline.js', '/hoc-khong-can-mang'];
    const name = 'th-c|' + slug + '|' + m.revision;
    // Saving the same revision again refreshes its copy in place: a dropped connection must not delete it.
    const existed = await caches.has(name);
    const cache = await caches.open(name);
    const urls = [...m.urls, ...shell];
    let done = 0;
    let bytes = 0;
    try {
      const next = async () => {
        while (urls.length) {
          const u = urls.shift();
          const r = await fetch(u, { credentials: 'same-origin', cache: 'no-store' });
          if (!r.ok || r.redirected) throw new Error(u + ' ' + r.status);
          bytes += (await r.clone().blob()).size;
          await cache.put(u, r);
          progress(Math.round((++done * 100) / (m.urls.length + shell.length)));
        }
      };
      await Promise.all([next(), next(), next()]);
    } catch (e) {
      if (!existed) await caches.delete(name);
      if (first && !(await all('outbox')).length) mark(false);
      throw e;
    }
    for (const k of await caches.keys()) if (k.startsWith('th-c|' + slug + '|') && k !== name) await caches.delete(k);
    const old = await store('courses', 'readonly', (s) => s.get(slug));
    const used = new Set(((old && old.tickets) || []).filter((t) => t.used).map((t) => t.id));
    const tickets = m.tickets.map((t) => ({ ...t, used: used.has(t.id) }));
    await put('courses', { slug, title: m.title, revision: m.revision, saved_at: Date.now(), bytes, tickets, lessons: m.lessons, quizzes: m.quizzes });
    return bytes;
  }

  // ---- the queue ----
  async function label(r) {
    const c = await store('courses', 'readonly', (s) => s.get(r.course || ''));
    const find = (list, slug) => ((c && c[list]) || []).find(([s]) => s === slug);
    if (r.kind === 'lesson') return T.lesson + ': ' + ((find('lessons', r.lesson) || [])[1] || r.lesson);
    return T.quiz + ': ' + ((find('quizzes', r.quiz) || [])[1] || r.quiz || '');
  }

  async function item(r) {
    const name = await label(r);
    const state = el('span', { class: 'badge ' + r.state, 'data-state': r.state }, T[r.state] || T.queued);
    const li = el('li', { class: 'item queued-record', 'data-record': r.id }, el('span', { class: 'title' }, name), ' ', state);
    const res = r.result;
    if (r.state === 'sent' && res && res.percent != null) {
      const p = String(Math.round(res.percent * 10) / 10).replace('.', en ? '.' : ',') + '%';
      li.append(' ', el('span', { class: 'meta' }, p + ' · ' + (res.over_limit ? T.notcounted : res.passed ? T.passed : T.notpassed)));
      if (res.href) li.append(' ', el('a', { href: res.href, 'aria-label': T.result + ': ' + name }, T.result));
      if (res.certificate) li.append(' ', el('a', { href: '/verify/' + encodeURIComponent(res.certificate), 'aria-label': T.certificate + ': ' + name }, T.certificate));
    }
    if (r.state === 'sent' || r.state === 'refused') {
      const hide = el('button', { type: 'button', class: 'secondary small', 'aria-label': T.hide + ': ' + name }, T.hide);
      hide.addEventListener('click', async () => { await forget(r); render(); });
      li.append(' ', hide);
    }
    return li;
  }

  async function forget(r) {
    const c = await store('courses', 'readonly', (s) => s.get(r.course || ''));
    if (c && r.kind === 'attempt') {
      for (const t of c.tickets || []) if (t.id === r.id) t.used = true;
      await put('courses', c);
    }
    await del('outbox', r.id);
  }

  async function render() {
    const records = (await all('outbox')).sort((a, b) => a.queued_at - b.queued_at);
    const list = document.querySelector('[data-queue-list]');
    let panel = document.getElementById('hang-doi');
    if (!list) {
      if (!records.length) { if (panel) panel.remove(); return; }
      if (!panel) {
        panel = el('section', { id: 'hang-doi', class: 'outbox', 'aria-labelledby': 'hang-doi-h' },
          el('h2', { id: 'hang-doi-h' }, T.queue), el('p', { class: 'muted', 'aria-live': 'polite', 'data-summary': '' }), el('ul', { class: 'items' }));
        const main = document.getElementById('main') || document.body;
        main.prepend(panel);
      }
    }
    const ul = list || panel.querySelector('ul');
    if (records.length) ul.replaceChildren(...(await Promise.all(records.map(item))));
    else if (list) ul.replaceChildren(el('li', { class: 'muted' }, T.empty));
    // One short line is announced when states change, not the whole list.
    const summary = panel && panel.querySelector('[data-summary]');
    if (summary) {
      const counts = {};
      for (const r of records) counts[r.state] = (counts[r.state] || 0) + 1;
      summary.textContent = Object.entries(counts).map(([s, n]) => (T[s] || s) + ': ' + n).join(' · ');
    }
    // A lesson waiting to be sent is shown as done on its own page.
    const form = document.querySelector('.done-box form');
    if (form) {
      const [c, l] = [form.querySelector('[name=course]'), form.querySelector('[name=lesson]')].map((i) => i && i.value);
      if (records.some((r) => r.kind === 'lesson' && r.course === c && r.lesson === l && r.state !== 'refused')) form.replaceWith(el('p', { class: 'ok' }, T.done_here));
    }
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      const waiting = (await all('outbox')).filter((r) => r.state !== 'sent' && r.state !== 'refused');
      for (let i = 0; i < waiting.length; i += 100) {
        const batch = waiting.slice(i, i + 100);
        for (const r of batch) { r.state = 'sending'; await put('outbox', r); }
        await render();
        let res;
        try {
          res = await fetch('/dong-bo', {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ records: batch.map(({ id, kind, course, lesson, answers, started, at }) => ({ id, kind, course, lesson, answers, started, at })) }),
          });
        } catch (_) { res = null; }
        let answer = null;
        try { answer = res && res.ok ? await res.json() : null; } catch (_) { res = null; /* not our server's answer: a portal */ }
        for (const r of batch) {
          const got = answer && answer.results.find((x) => x.id === r.id);
          if (!res) r.state = 'queued';
          else if (res.status === 401 || res.status === 403) r.state = 'signin';
          else if (!got || got.status >= 500) r.state = 'queued';
          else if (got.status === 403) r.state = 'other';
          else if (got.status === 200 || got.status === 201) { r.state = 'sent'; r.result = got; r.sent_at = Date.now(); }
          else { r.state = 'refused'; r.result = got; }
          await put('outbox', r);
        }
        if (!res) break;
      }
      // Sent records are shown for a week, then forgotten.
      for (const r of await all('outbox')) if (r.state === 'sent' && r.sent_at < Date.now() - 7 * 864e5) await forget(r);
    } finally {
      flushing = false;
      await render();
    }
  }

  // ---- the saved-courses page ----
  async function savedPage(list) {
    const usage = document.querySelector('[data-usage]');
    if (location.pathname !== '/hoc-khong-can-mang') for (const n of document.querySelectorAll('.offline-only')) n.hidden = false;
    const courses = await all('courses');
    if (navigator.storage && navigator.storage.estimate) {
      const e = await navigator.storage.estimate();
      usage.textContent = fmt(T.usage, kb(e.usage || 0));
    }
    let current = {};
    if (courses.length && navigator.onLine) {
      try { current = await (await fetch('/ngoai-tuyen/phien-ban?khoa=' + courses.map((c) => encodeURIComponent(c.slug)).join(','))).json(); } catch (_) { /* offline */ }
    }
    if (!courses.length) return;
    list.replaceChildren(...courses.map((c) => {
      const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': T.remove + ': ' + c.title }, T.remove);
      remove.addEventListener('click', async () => {
        for (const k of await caches.keys()) if (k.startsWith('th-c|' + c.slug + '|')) await caches.delete(k);
        await del('courses', c.slug);
        if (!(await all('courses')).length && !(await all('outbox')).length) mark(false);
        location.reload();
      });
      const newer = current[c.slug] && current[c.slug] !== c.revision;
      return el('li', { class: 'item saved-course', 'data-course': c.slug },
        el('a', { href: '/khoa-hoc/' + encodeURIComponent(c.slug) }, c.title), ' ',
        el('span', { class: 'meta' }, fmt(T.saved, kb(c.bytes), when(c.saved_at))), ' ',
        newer ? el('span', { class: 'badge updated' }, T.newer) : null, ' ', remove);
    }));
  }

  // ---- a ticket taken on the phone: its times come from the phone's own clock ----
  // The clock starts at the first answer, not when the page opens: offline the quiz's front page is the
  // ticket itself, and a learner may look before taking it. A reload keeps the time it started.
  function ticketForm(form) {
    const key = 'th-s-' + form.dataset.ticket;
    const field = form.querySelector('[name=started]');
    const begin = () => {
      if (!localStorage.getItem(key)) localStorage.setItem(key, String(Date.now()));
      field.value = localStorage.getItem(key);
    };
    if (localStorage.getItem(key)) begin();
    form.addEventListener('input', begin, { once: true });
    form.addEventListener('submit', () => {
      begin();
      form.querySelector('[name=at]').value = String(Date.now());
    });
  }

  const start = async () => {
    if (keeps()) register().catch(() => {});
    for (const box of document.querySelectorAll('[data-offline-course]')) saveBox(box);
    for (const form of document.querySelectorAll('form[data-ticket]')) ticketForm(form);
    const list = document.querySelector('[data-saved-list]');
    if (list) savedPage(list);
    await render();
    flush();
  };
  addEventListener('online', flush);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });
  start();
})();
