// An official of Vĩnh Long follows training on a phone, with JavaScript off and on: filters in the URL,
// drill down to a commune, the learner list, a target, the print report and the Excel download.
import { test, expect, Browser, Page } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";

async function signedIn(browser: Browser, phone: string, js: boolean): Promise<Page> {
  const ctx = await browser.newContext({
    javaScriptEnabled: js,
    viewport: { width: 360, height: 740 },
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  await page.goto("/dang-nhap");
  await page.locator("#phone").fill(phone);
  await page.locator("#password").fill("taphuan-demo");
  await page.locator("form.stack button[type=submit]").click();
  await page.waitForURL(/\/$/);
  return page;
}

for (const js of [false, true]) {
  test(`an official follows training in their province (JavaScript ${js ? "on" : "off"})`, async ({ browser }) => {
    test.setTimeout(90_000);
    // The demo learner (Phường Phú Khương, Vĩnh Long) reads a lesson of the mini course (one per pass).
    const learner = await signedIn(browser, "0900000001", js);
    await learner.goto(`/khoa-hoc/mini/bai/${js ? "hai" : "mot"}`);
    await learner.locator(".done-box button").click();
    await learner.context().close();

    const page = await signedIn(browser, "0900000003", js);
    await page.getByRole("link", { name: "Thống kê" }).click();
    await expect(page).toHaveURL(/\/thong-ke$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Thống kê đào tạo");
    await expect(page.locator("nav.crumbs")).toContainText("Vĩnh Long");
    const enrolled = page.locator(".kpi", { hasText: "Lượt ghi danh" }).locator("dd");
    expect(Number((await enrolled.textContent())!.replace(/\./g, ""))).toBeGreaterThanOrEqual(1);

    // Filter by course with the form: the view lands in the URL.
    await page.locator("details.filters summary").first().click();
    await page.getByRole("combobox", { name: "Khoá học", exact: true }).first().selectOption("mini");
    await page.getByRole("button", { name: "Lọc" }).click();
    await expect(page).toHaveURL(/khoa=mini/);
    const byCourse = page.locator("section", { has: page.locator("h2", { hasText: "Theo khoá học" }) });
    await expect(byCourse.locator("tbody tr")).toHaveCount(1);

    // Drill down to the commune, keeping the course.
    await page.getByRole("link", { name: "Phường Phú Khương" }).click();
    await expect(page).toHaveURL(/vung=28756/);
    await expect(page).toHaveURL(/khoa=mini/);
    await expect(page.locator("nav.crumbs [aria-current=page]")).toHaveText("Phường Phú Khương");

    // The learner list for this view, searched without diacritics.
    await page.getByRole("link", { name: "Danh sách học viên" }).click();
    await expect(page).toHaveURL(/\/thong-ke\/nguoi-hoc\?.*vung=28756/);
    await page.getByLabel(/Tìm theo tên/).fill("nguyen van hoc");
    await page.getByRole("button", { name: "Tìm" }).click();
    await expect(page.locator("li.person h2").first()).toHaveText("Nguyễn Văn Học");
    await expect(page.locator("li.person").first()).toContainText("Khoá mẫu chuyển đổi số");

    // A target for the province.
    await page.goto("/thong-ke");
    await page.getByText("Đặt chỉ tiêu mới").click();
    await page.locator("#t-khoa").selectOption("mini");
    await page.locator("#t-target").fill("40");
    await page.locator("#t-han").fill("2030-12-31");
    await page.getByRole("button", { name: "Lưu chỉ tiêu" }).click();
    await expect(page).toHaveURL(/\/thong-ke\?vung=86#chi-tieu$/);
    const target = page.locator("li.target").filter({ hasText: "/40 người đã có chứng chỉ" }).first();
    await expect(target).toContainText("hạn 31/12/2030");
    await target.getByRole("button", { name: "Xóa chỉ tiêu" }).click();

    // The print report carries the same figures.
    await page.goto("/thong-ke?khoa=mini");
    const shown = await page.locator(".kpi", { hasText: "Lượt ghi danh" }).locator("dd").textContent();
    await page.getByRole("link", { name: "Báo cáo để in" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Báo cáo tiến độ đào tạo");
    await expect(page.locator(".kpi", { hasText: "Lượt ghi danh" }).locator("dd")).toHaveText(shown!);

    if (js) {
      await page.goto("/thong-ke?khoa=mini");
      expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Tải Excel (.xlsx)" }).click()]);
      expect(download.suggestedFilename()).toMatch(/^thong-ke-\d{4}-\d{2}-\d{2}\.xlsx$/);
    } else {
      const res = await page.request.get("/thong-ke/xuat.csv?khoa=mini");
      expect(res.status()).toBe(200);
      const text = await res.text();
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text).toContain("Nguyễn Văn Học");
    }
    await page.context().close();
  });
}
