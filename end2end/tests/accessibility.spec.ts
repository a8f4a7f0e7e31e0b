// axe-core on every page, in both languages, at phone size: zero violations, and nothing wider than the
// screen (a page that scrolls sideways at 360 px hides what is off to the right).
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";

const pages = [
  "/",
  "/khoa-hoc",
  "/?q=marketing",
  "/trang-khong-co",
  "/dang-ky",
  "/dang-ky?tinh=86",
  "/dang-ky?tinh=86&loi=password_short",
  "/dang-ky?tinh=86&loi=password_short&o=password&full_name=L%C3%AA%20Th%E1%BB%8B%20Hoa&region=28756",
  "/dang-ky?tinh=86&loi=phone_invalid&o=phone&phone=0212",
  "/dang-nhap",
  "/dang-nhap?loi=login_failed",
  "/mat-khau/khong-hop-le",
];

// Pages behind sign-in, checked as the demo admin (created by `taphuan serve --demo`).
const signedInPages = [
  "/tai-khoan",
  "/hoc-khong-can-mang",
  "/khoa-hoc/mini",
  "/tai-khoan?xong=mat-khau",
  "/tai-khoan?loi=current_password_wrong&o=current",
  "/quan-tri",
  "/quan-tri/nhat-ky",
  "/quan-tri/nhat-ky?hanh-dong=role_granted&q=van",
  "/quan-tri?q=0900000001",
  "/quan-tri/nhap-lop",
  "/thong-ke",
  "/thong-ke?vung=86&khoa=mini",
  "/thong-ke?khoa=khong-co",
  "/thong-ke?vung=86&loi=target_number&o=target&t-target=2%2C5&t-loai=hop-tac-xa",
  "/thong-ke/nguoi-hoc",
  "/thong-ke/nguoi-hoc?q=van",
  "/thong-ke/bao-cao",
  "/soan-thao",
  "/soan-thao/mini",
  "/soan-thao/mini/tep/01-mot.md",
  "/soan-thao/mini/tep/01-mot.md?xem=1",
  "/soan-thao/mini/tep/04-kiem-tra.quiz.md",
  "/soan-thao/mini/tep/01-mot.md?loi=author_image_not_image&o=image",
  "/soan-thao/mini/xuat-ban",
  "/soan-thao/mini/lich-su",
  "/lop-tap-huan",
  "/lop-tap-huan/moi",
  "/lop-tap-huan/moi?tinh=86",
];

// Every course the catalog lists, its glossary and every lesson and quiz in it: read from the pages, so a
// new course is checked without editing this file. `everyItem` false keeps, per course, its page, glossary,
// first lesson and first quiz: the English walk, where a course's content is the same Vietnamese text and
// only the page around it changes, so checking every item again repeats the Vietnamese walk's content checks.
async function courseUrls(page: import("@playwright/test").Page, everyItem: boolean): Promise<string[]> {
  await page.goto("/");
  const hrefs = await page.locator('a[href^="/khoa-hoc/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  const courses = [...new Set(hrefs.filter((h) => /^\/khoa-hoc\/[^/]+$/.test(h)))];
  expect(courses.length).toBeGreaterThanOrEqual(3);
  const urls: string[] = [];
  for (const course of courses) {
    await page.goto(course);
    urls.push(course);
    urls.push(...(await page.locator(`a[href="${course}/thuat-ngu"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href")!))));
    const items = await page.locator("ol.items a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    if (everyItem) {
      urls.push(...items);
    } else {
      urls.push(...[items.find((h) => h.includes("/bai/")), items.find((h) => h.includes("/kiem-tra/"))].filter((h): h is string => !!h));
    }
  }
  return [...new Set(urls)];
}

for (const lang of ["vi", "en"]) {
  test(`every page passes axe (${lang})`, async ({ page, context }) => {
    // About 150 pages in Vietnamese, 90 in English, each checked by axe: minutes on a loaded 2-core machine.
    test.setTimeout(480_000);
    await context.addCookies([{ name: "lang", value: lang, url: process.env.BASE_URL ?? "http://127.0.0.1:3000" }]);
    const all = [...pages, ...(await courseUrls(page, lang === "vi"))];
    await page.goto("/dang-nhap");
    await page.locator("#phone").fill("0900000004");
    await page.locator("#password").fill("taphuan-demo");
    await page.locator("form.stack button[type=submit]").click();
    await page.waitForURL(/\/$/);
    for (const url of [...signedInPages, ...all]) {
      await page.goto(url);
      const result = await new AxeBuilder({ page }).analyze();
      const summary = result.violations.map((v) => `${url}: ${v.id} (${v.nodes.length}) ${v.help}`);
      expect(summary).toEqual([]);
      const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(width.scroll, `${url}: scrollWidth ${width.scroll} > innerWidth ${width.inner}`).toBeLessThanOrEqual(width.inner);
    }
  });
}
