// A manager saves a course on the phone, loses signal, reads every lesson, marks two done and takes the
// quiz; back online the queue sends itself, once, and the server's grade and the progress appear. The same
// queue replayed from a second tab is counted once.
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Route } from "@playwright/test";

// `context.setOffline` does not reach a service worker's own requests (microsoft/playwright#2311): with the
// worker's network events on, its requests are aborted as a lost connection would. Set before this file's
// worker launches its browser (its own project in playwright.config.ts).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = "1";
const workerOffline = (route: Route) => (route.request().serviceWorker() ? route.abort("internetdisconnected") : route.continue());
async function signal(ctx: BrowserContext, on: boolean) {
  if (on) {
    await ctx.unroute("**", workerOffline);
    await ctx.setOffline(false);
  } else {
    await ctx.setOffline(true);
    await ctx.route("**", workerOffline);
  }
}

test("saves a course, learns without signal, and every answer reaches the server once", async ({ browser }) => {
  test.setTimeout(90_000);
  const ctx = await browser.newContext({
    viewport: { width: 360, height: 740 },
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    serviceWorkers: "allow",
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));

  // A new learner, so the quiz's attempts are all theirs.
  const phone = "097" + String(Date.now()).slice(-7);
  await page.goto("/dang-ky");
  await page.getByRole("link", { name: "Vĩnh Long" }).click();
  await page.getByLabel("Họ và tên").fill("Trần Văn Ghe");
  await page.getByLabel("Số điện thoại di động").fill(phone);
  await page.getByLabel("Mật khẩu").fill("ghe xuong ben tre");
  await page.getByLabel("Tên hợp tác xã, doanh nghiệp hoặc cơ sở").fill("HTX Ghe Xuồng");
  await page.getByLabel("Xã, phường").selectOption({ label: "Phường Phú Khương" });
  await page.getByRole("button", { name: "Đăng ký" }).click();
  await expect(page).toHaveURL(/\/tai-khoan$/);

  // The button says how much the course takes before saving, and shows progress while saving.
  await page.goto("/khoa-hoc/mini");
  const status = page.locator(".offline-box [data-status]");
  await expect(status).toHaveText(/^Tải về khoảng \d+ KB$/);
  await page.getByRole("button", { name: "Lưu để học khi không có mạng" }).click();
  await expect(status).toHaveText(/^Đã lưu trên máy: \d+ KB, lúc /, { timeout: 30_000 });
  const saved = Number((await status.innerText()).match(/(\d+) KB/)![1]);
  console.log(`saved course "mini": ${saved} KB on the phone`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
  const lessons = await page.locator("ol.items li.item:not(.quiz) a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  expect(lessons.length).toBe(3);

  // No signal: every lesson opens from the phone.
  await signal(ctx, false);
  for (const href of lessons) {
    await page.goto(href);
    await expect(page.locator("article.lesson h1")).toBeVisible();
  }
  // Two are marked done: the queue keeps them, and says so.
  for (const href of lessons.slice(0, 2)) {
    await page.goto(href);
    await page.getByRole("button", { name: "Đánh dấu đã học xong" }).click();
    await expect(page.locator(".done-box")).toContainText("Đã lưu trên máy");
  }
  // The quiz opens on this phone's ticket: questions without keys.
  await page.goto("/khoa-hoc/mini/kiem-tra/kiem-tra");
  const form = page.locator("form[data-ticket]");
  await expect(form).toBeVisible();
  const questions = form.locator("fieldset.question");
  const n = await questions.count();
  expect(n).toBe(5);
  for (let i = 0; i < n; i++) {
    const q = questions.nth(i);
    const choice = q.locator("input[type=radio], input[type=checkbox]").first();
    if (await choice.count()) await choice.check();
    else await q.locator("input").fill("22.500");
  }
  await page.getByRole("button", { name: "Nộp bài" }).click();
  await expect(page).toHaveURL(/\/khoa-hoc\/mini#hang-doi$/);
  const queue = page.locator("#hang-doi .queued-record");
  await expect(queue).toHaveCount(3);
  await expect(queue.locator("[data-state=queued]")).toHaveCount(3);
  await expect(queue.first()).toContainText("Đã lưu trên máy");
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
  // A page that was not saved says so and lists what is.
  await page.goto("/khoa-hoc/marketing-san-pham-ocop");
  await expect(page.locator(".offline-only")).toBeVisible();
  await expect(page.locator("[data-saved-list] .saved-course")).toHaveCount(1);
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);

  // Signal again: the queue sends itself (one request) and the server's grade comes back.
  await page.goto("/khoa-hoc/mini");
  const syncs: string[] = [];
  page.on("request", (r) => { if (r.url().endsWith("/dong-bo")) syncs.push(r.url()); });
  await signal(ctx, true);
  await expect(queue.locator("[data-state=sent]")).toHaveCount(3, { timeout: 15_000 });
  await expect(queue.filter({ hasText: "Bài kiểm tra" })).toContainText(/Đã gửi \d+(,\d)?% · (đạt|chưa đạt)/);
  expect(syncs.length).toBe(1);
  await page.reload();
  await expect(page.locator("p.progress")).toContainText("Đã học 2/3 bài");

  // The same queue replayed from a second tab: every record answered as already stored, counted once.
  const tab = await ctx.newPage();
  await tab.goto("/khoa-hoc/mini");
  const replayed = await tab.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok) => { const r = indexedDB.open("taphuan-offline", 1); r.onsuccess = () => ok(r.result); });
    const records: any[] = await new Promise((ok) => { const r = db.transaction("outbox").objectStore("outbox").getAll(); r.onsuccess = () => ok(r.result); });
    const res = await fetch("/dong-bo", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records }) });
    return (await res.json()).results.map((r: any) => r.status);
  });
  expect(replayed).toEqual([200, 200, 200]);
  await tab.goto("/khoa-hoc/mini/kiem-tra/kiem-tra");
  await expect(tab.getByText("Còn 2/3 lần làm bài")).toBeVisible();
  expect(errors).toEqual([]);
  await ctx.close();
});

test("without JavaScript the course page says one line and nothing is stored", async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000" });
  const page = await ctx.newPage();
  await page.goto("/dang-nhap");
  await page.locator("#phone").fill("0900000002");
  await page.locator("#password").fill("taphuan-demo");
  await page.locator("form.stack button[type=submit]").click();
  await page.goto("/khoa-hoc/mini");
  // Chromium's "JavaScript off" in tests still parses <noscript> as text, so read the markup it holds.
  expect(await page.locator(".offline-box noscript").innerHTML()).toContain("cần bật JavaScript");
  await expect(page.getByRole("button", { name: "Lưu để học khi không có mạng" })).toBeHidden();
  await ctx.close();
});
