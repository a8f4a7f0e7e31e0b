// The check-in screen (/lop-tap-huan/<id>/man-hinh) keeps its five-minute code current: every 30 seconds it
// fetches the page again and swaps in the elements marked `data-follow`. No reload, so nothing flashes on the
// projector and axe's rule against timed refreshes holds. Without signal the last code stays up; without
// JavaScript the page's "Làm mới mã" link does the same by hand.
const followed = [...document.querySelectorAll("[data-follow]")].map((e) => e.id);
if (followed.length) {
  setInterval(async () => {
    try {
      const res = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      for (const id of followed) {
        const fresh = doc.getElementById(id);
        const shown = document.getElementById(id);
        if (fresh && shown) shown.replaceWith(fresh);
      }
    } catch (_) {
      /* no signal: keep the code on the screen */
    }
  }, 30_000);
}
