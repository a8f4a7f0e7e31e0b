// "Chia sẻ" on a workshop's page: the phone's own share sheet (Zalo, Facebook, SMS) through the Web Share API
// where the browser has it, else a copy of the link. A plain file of a few hundred bytes rather than an island:
// this page is what newcomers open from a link in Zalo, and the wasm bundle would cost them 130 KB for one
// button. Without JavaScript the button stays hidden and the link itself is on the page.
for (const b of document.querySelectorAll("button[data-share]")) {
  b.hidden = false;
  b.addEventListener("click", async () => {
    const note = b.nextElementSibling;
    if (navigator.share) {
      try { await navigator.share({ title: b.dataset.title, url: b.dataset.share }); } catch (_) { /* closed */ }
      return;
    }
    try {
      await navigator.clipboard.writeText(b.dataset.share);
      note.textContent = b.dataset.copied;
    } catch (_) {
      note.textContent = b.dataset.failed;
    }
  });
}
