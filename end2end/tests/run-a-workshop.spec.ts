// A trainer runs a workshop at 360 px: creates it and prints its poster; a newcomer checks in with the code on
// the screen and signs up in the same step; the trainer's phone scans a learner while offline and sends the
// scan once signal is back; both take the test before and after; the trainer sees the gain and downloads the
// sheet; the official sees the people trained in their figures.
import { test, expect, type Browser, type Page } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";

const BASE = process.env.BASE_URL ?? "http://127.0.0.1:3000";

async function context(browser: Browser, js: boolean) {
  return browser.newContext({ javaScriptEnabled: js, viewport: { width: 360, height: 800 }, baseURL: BASE, locale: "vi-VN" });
}

async function signIn(page: Page, phone: string) {
  await page.goto("/dang-nhap");
  await page.locator("#phone").fill(phone);
  await page.locator("#password").fill("taphuan-demo");
  await page.locator("form.stack button[type=submit]").click();
  await page.waitForURL(/\/$/);
}

/// Vietnam's date and time `minutes` from now, as the form's date and time inputs take them.
function local(minutes: number): [string, string] {
  const iso = new Date(Date.now() + minutes * 60_000 + 7 * 3_600_000).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 16)];
}

/// No axe violation and nothing wider than the 360 px screen. axe runs as a script, so a page opened without
/// JavaScript is checked again, as the same address, in a browser with it (signed out).
async function clean(page: Page) {
  let target = page;
  let opened: Page | undefined;
  if (noJs.has(page)) {
    opened = await (await context(page.context().browser()!, true)).newPage();
    await opened.goto(page.url());
    target = opened;
  }
  const violations = (await new AxeBuilder({ page: target }).analyze()).violations.map((v) => `${target.url()}: ${v.id} ${v.help}`);
  expect(violations).toEqual([]);
  const w = await target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(w, `${target.url()} scrolls sideways`).toBeLessThanOrEqual(0);
  await opened?.context().close();
}

/// Pages opened in a context without JavaScript.
const noJs = new WeakSet<Page>();

async function answerMini(page: Page, right: boolean) {
  const q = (text: string) => page.locator("fieldset.question", { hasText: text });
  await q("bao nhiêu thành viên chính thức").getByLabel(right ? "5" : "3", { exact: true }).check();
  if (right) {
    await q("mô hình rút gọn").getByLabel("Đại hội thành viên").check();
    await q("mô hình rút gọn").getByLabel("Giám đốc").check();
  } else {
    await q("mô hình rút gọn").getByLabel("Hội đồng quản trị").check();
  }
  await q("tiếng Việt").getByLabel(right ? "Đúng" : "Sai").check();
  await q("Viết tắt").locator("input").fill(right ? "ocop" : "không biết");
  await q("Giá bán").locator("input").fill(right ? "22.500" : "1");
  await page.getByRole("button", { name: "Nộp bài" }).click();
  await expect(page.locator(".score .big")).toHaveText(right ? "100%" : "0%");
}

test("a trainer runs a workshop with check-in, an offline scan, a before-and-after test and the sheet", async ({ browser }) => {
  test.setTimeout(150_000);
  const trainerCtx = await context(browser, true);
  const trainer = await trainerCtx.newPage();
  const errors: string[] = [];
  trainer.on("pageerror", (e) => errors.push(e.message));
  await signIn(trainer, "0900000002");

  // Create it: the province, then the form.
  await trainer.goto("/lop-tap-huan/moi");
  await trainer.getByRole("link", { name: "Vĩnh Long", exact: true }).click();
  await clean(trainer);
  let [date, start] = local(-10);
  let [endDate, end] = local(170);
  if (endDate !== date) [date, start, end] = [local(0)[0], "00:00", "23:59"];
  const title = `Chuyển đổi số cho HTX ${Date.now().toString(36)}`;
  await trainer.getByLabel("Tên lớp").fill(title);
  await trainer.getByLabel("Ngày").fill(date);
  await trainer.getByLabel("Bắt đầu (giờ Việt Nam)").fill(start);
  await trainer.getByLabel("Kết thúc").fill(end);
  await trainer.getByLabel("Xã, phường").selectOption({ label: "Phường Phú Khương" });
  await trainer.getByLabel("Địa chỉ (hội trường, thôn…)").fill("Hội trường UBND phường");
  await trainer.getByLabel("Khoá mẫu chuyển đổi số").check();
  await trainer.getByLabel("Bài kiểm tra đầu và cuối buổi").selectOption({ value: "mini/kiem-tra" });
  await trainer.getByRole("button", { name: "Tạo lớp" }).click();
  await trainer.waitForURL(/\/lop-tap-huan\/[0-9a-f-]+$/);
  const id = new URL(trainer.url()).pathname.split("/")[2];
  await clean(trainer);
  const code = ((await trainer.locator("p.code").textContent()) ?? "").replace(/\D/g, "");
  expect(code).toHaveLength(6);

  // The edit form opens filled in with the workshop.
  await trainer.goto(`/lop-tap-huan/moi?sua=${id}`);
  await expect(trainer.getByLabel("Tên lớp")).toHaveValue(title);
  await clean(trainer);

  // The poster: title, time, place and the QR code of the workshop's page.
  await trainer.goto(`/lop/${id}/ap-phich`);
  await expect(trainer.locator(".poster h1")).toHaveText(title);
  await expect(trainer.locator(".poster .qr svg")).toBeVisible();
  await clean(trainer);
  // The check-in screen for a projector: it fetches the code again every 30 seconds and swaps it in.
  const screen = await trainerCtx.newPage();
  await screen.clock.install();
  await screen.goto(`/lop-tap-huan/${id}/man-hinh`);
  await expect(screen.locator(".screen p.code")).toContainText(code);
  await screen.locator("#screen-code").evaluate((e) => e.setAttribute("data-old", "1"));
  await screen.clock.fastForward(31_000);
  await expect(screen.locator("#screen-code")).not.toHaveAttribute("data-old", "1");
  await expect(screen.locator(".screen p.code")).toContainText(/\d{6}/);
  await clean(screen);
  await screen.close();
  // The public page: with JavaScript a share button (here the link is copied: headless Chromium has no
  // share sheet); the link itself is on the page either way.
  await trainerCtx.grantPermissions(["clipboard-read", "clipboard-write"]);
  await trainer.goto(`/lop/${id}`);
  await expect(trainer.locator('meta[property="og:image"]')).toHaveAttribute("content", /\/og\.png$/);
  await trainer.getByRole("button", { name: "Chia sẻ" }).click();
  await expect(trainer.locator(".share [role=status]")).toContainText(/Đã chép đường dẫn|Không chép được/);
  await clean(trainer);

  // A newcomer at the door, without JavaScript: the code, then sign-up and check-in in one step.
  const newcomerCtx = await context(browser, false);
  const newcomer = await newcomerCtx.newPage();
  noJs.add(newcomer);
  await newcomer.goto(`/lop/${id}/diem-danh?ma=${code}`);
  await newcomer.getByRole("link", { name: "Vĩnh Long", exact: true }).click();
  await clean(newcomer);
  const phone = "09" + String(Math.floor(10_000_000 + Math.random() * 89_999_999));
  await newcomer.getByLabel("Họ và tên").fill("Phạm Thị Mới Đến");
  await newcomer.getByLabel("Số điện thoại di động").fill(phone);
  await newcomer.getByLabel("Mật khẩu").fill("bưởi năm roi 2026");
  await newcomer.getByLabel("Tên hợp tác xã, doanh nghiệp hoặc cơ sở").fill("HTX Bưởi");
  await newcomer.getByLabel("Xã, phường").selectOption({ label: "Phường Phú Khương" });
  await newcomer.getByRole("button", { name: "Đăng ký và điểm danh" }).click();
  await expect(newcomer.getByText("Bạn đã điểm danh. Chúc buổi học bổ ích!")).toBeVisible();
  await clean(newcomer);

  // The trainer's phone loses signal and scans a learner (typed here: headless Chromium has no camera).
  await trainer.goto(`/lop-tap-huan/${id}`);
  await expect(trainer.locator(".scanner")).toHaveAttribute("data-live", "on", { timeout: 15_000 });
  await trainerCtx.setOffline(true);
  await trainer.getByLabel("Mã hoặc số điện thoại").fill("0900000001");
  await trainer.getByLabel("Mã hoặc số điện thoại").press("Enter");
  await expect(trainer.locator(".scans li")).toContainText("Chờ gửi");
  await trainerCtx.setOffline(false);
  await expect(trainer.locator(".scans li")).toContainText("Đã điểm danh: Nguyễn Văn Học", { timeout: 15_000 });
  await trainer.reload();
  await expect(trainer.locator("ol.attendees li")).toHaveCount(2);

  // Both take the test before (the newcomer all wrong, the learner all right) and after (both right).
  const learnerCtx = await context(browser, false);
  const learner = await learnerCtx.newPage();
  noJs.add(learner);
  await signIn(learner, "0900000001");
  for (const [page, before] of [[newcomer, false], [learner, true]] as const) {
    await page.goto(`/lop/${id}`);
    await clean(page);
    await page.getByRole("button", { name: "Làm bài đầu buổi" }).click();
    await answerMini(page, before);
    await page.goto(`/lop/${id}`);
    await page.getByRole("button", { name: "Làm bài cuối buổi" }).click();
    await answerMini(page, true);
  }
  await trainer.goto(`/lop-tap-huan/${id}`);
  await expect(trainer.locator("table.figures tr", { hasText: "Đầu buổi" })).toContainText("50,0 %");
  await expect(trainer.locator("table.figures tr", { hasText: "Cuối buổi" })).toContainText("100,0 %");

  // The sheet, printable and for Excel.
  await trainer.goto(`/lop-tap-huan/${id}/danh-sach`);
  await expect(trainer.locator(".sheet-table tbody tr")).toHaveCount(2);
  await expect(trainer.locator(".sheet-table")).toContainText("Phạm Thị Mới Đến");
  await clean(trainer);
  const [download] = await Promise.all([trainer.waitForEvent("download"), trainer.getByRole("link", { name: "Tải về Excel" }).click()]);
  expect(readFileSync(await download.path()).subarray(0, 2).toString()).toBe("PK");
  expect(errors).toEqual([]);

  // The official of the province sees the people trained.
  const officialCtx = await context(browser, false);
  const official = await officialCtx.newPage();
  await signIn(official, "0900000003");
  await official.goto("/thong-ke");
  const trained = official.locator(".kpi", { hasText: "Người được tập huấn" }).locator("dd");
  expect(Number((await trained.textContent())?.replace(/\D/g, ""))).toBeGreaterThanOrEqual(2);
  // And in the export for Excel.
  const [xlsx] = await Promise.all([official.waitForEvent("download"), official.getByRole("link", { name: "Tải Excel (.xlsx)" }).click()]);
  expect(readFileSync(await xlsx.path()).subarray(0, 2).toString()).toBe("PK");
  const [csv] = await Promise.all([official.waitForEvent("download"), official.getByRole("link", { name: "Tải CSV" }).click()]);
  expect(readFileSync(await csv.path(), "utf8")).toMatch(/Người được tập huấn,[1-9]/);
});
