// The trainer's scanner on /lop-tap-huan/<id>: the camera reads participants' own codes with the browser's
// BarcodeDetector where the phone has it, or the trainer types a code or a phone number. Every scan goes first
// into a queue in this phone's storage with its own record id, and is sent until the server answers; the
// server's ledger makes a resend count once, so a hall without signal loses nothing and counts nobody twice.
//
// A plain script rather than an island: islands share one wasm bundle, and the scanner's camera and storage
// bindings added 10 KB (brotli) to every island page, pushing the editor past its 150 KB budget. Without
// JavaScript the element stays hidden and the page's "by phone number" form does the job.
const box = document.querySelector(".scanner[data-workshop]");
if (box) {
  const workshop = box.dataset.workshop;
  const key = `taphuan-scans-${workshop}`;
  const label = (name) => box.dataset[name] || name;
  const list = box.querySelector(".scans");
  const input = box.querySelector("#scan-code");
  const note = box.querySelector("[role=status]");

  // The queue: [{record, code, at, status}], status "waiting" until the server's answer replaces it. Kept in
  // memory too, so a scan survives (until the page closes) even where storage is full or switched off.
  let memory = null;
  const load = () => {
    if (memory) return memory.map((e) => ({ ...e }));
    try { memory = JSON.parse(localStorage.getItem(key) || "[]"); } catch (_) { memory = []; }
    return memory.map((e) => ({ ...e }));
  };
  const save = (entries) => {
    memory = entries.map((e) => ({ ...e }));
    try { localStorage.setItem(key, JSON.stringify(entries)); } catch (_) { /* kept in memory */ }
  };
  // "new Nguyễn Văn A" -> "Đã điểm danh: Nguyễn Văn A", in the page's language.
  const shown = (status) => {
    const i = status.indexOf(" ");
    const word = i < 0 ? status : status.slice(0, i);
    const name = i < 0 ? "" : status.slice(i + 1);
    const text = label(word);
    return name ? `${text}: ${name}` : text;
  };
  const show = () => {
    list.replaceChildren(...load().reverse().map((e) => {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = e.code;
      li.append(code, " ", shown(e.status));
      return li;
    }));
  };
  const recordId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`);

  let sending = false;
  // Send every waiting scan, oldest first, one pass at a time; a failed send stays waiting for the next pass.
  const sync = async () => {
    if (sending) return;
    sending = true;
    try {
      for (const e of load().filter((x) => x.status === "waiting")) {
        let res;
        let answer;
        // On 2G a request can hang for minutes: give up after 15 seconds and try again on the next pass.
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), 15_000);
        try {
          res = await fetch(`/lop-tap-huan/${workshop}/quet`, {
            method: "POST",
            body: new URLSearchParams({ code: e.code, record: e.record, at: String(e.at), sent: String(Date.now()) }),
            credentials: "same-origin",
            signal: abort.signal,
          });
          answer = (await res.text()).trim();
        } catch (_) {
          break; // no signal: keep it waiting
        } finally {
          clearTimeout(timer);
        }
        if (res.status === 401 || res.status === 403) {
          note.textContent = label("signIn"); // signed out: nothing can be sent until the trainer signs in again
          break;
        }
        if (res.status >= 500) break; // the server is away: keep it waiting
        // 200 is the server's answer; any other refusal marks this scan and lets the next ones through.
        const entries = load();
        const x = entries.find((y) => y.record === e.record);
        if (x) x.status = res.status === 200 ? answer : "refused";
        save(entries);
        show();
      }
    } finally {
      sending = false;
    }
  };

  // Queue a scan (the same code seen twice within a minute is one scan) and try to send it.
  const enqueue = (raw) => {
    const code = raw.trim();
    if (!code) return;
    const now = Date.now();
    const entries = load();
    if (entries.some((e) => e.code === code && now - e.at < 60_000)) return;
    entries.push({ record: recordId(), code, at: now, status: "waiting" });
    save(entries);
    show();
    sync();
  };

  const addTyped = () => {
    enqueue(input.value);
    input.value = "";
    input.focus();
  };
  box.querySelector(".scan-add").addEventListener("click", addTyped);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      addTyped();
    }
  });

  let scanning = false;
  box.querySelector(".scan-camera").addEventListener("click", async () => {
    if (scanning) return; // one camera stream and one timer, however often it is tapped
    const formats = "BarcodeDetector" in window && BarcodeDetector.getSupportedFormats ? await BarcodeDetector.getSupportedFormats().catch(() => []) : [];
    if (!formats.includes("qr_code") || !navigator.mediaDevices) {
      note.textContent = label("noCamera");
      return;
    }
    scanning = true;
    try {
      const detector = new BarcodeDetector({ formats: ["qr_code"] });
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      const video = box.querySelector("video");
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      let busy = false;
      setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          for (const found of await detector.detect(video)) enqueue(found.rawValue);
        } catch (_) {
          /* a frame that could not be read */
        }
        busy = false;
      }, 400);
    } catch (_) {
      scanning = false;
      note.textContent = label("noCamera");
    }
  });

  box.dataset.live = "on";
  show();
  sync();
  addEventListener("online", sync);
  setInterval(sync, 5000);
}
