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

  // The queue: [{record, code, at, status}], status "waiting" until the server's answer replaces it.
  const load = () => {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (_) { return []; }
  };
  const save = (entries) => {
    try { localStorage.setItem(key, JSON.stringify(entries)); } catch (_) { /* storage full: the list still shows */ }
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
        try {
          res = await fetch(`/lop-tap-huan/${workshop}/quet`, {
            method: "POST",
            body: new URLSearchParams({ code: e.code, record: e.record, at: String(e.at) }),
            credentials: "same-origin",
          });
        } catch (_) {
          break; // no signal: try again later
        }
        if (res.status !== 200) break; // the server is away or refused the form: keep it waiting
        const answer = (await res.text()).trim();
        const entries = load();
        const x = entries.find((y) => y.record === e.record);
        if (x) x.status = answer;
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

  box.querySelector(".scan-camera").addEventListener("click", async () => {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      note.textContent = label("noCamera");
      return;
    }
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
      note.textContent = label("noCamera");
    }
  });

  box.dataset.live = "on";
  show();
  sync();
  addEventListener("online", sync);
  setInterval(sync, 5000);
}
