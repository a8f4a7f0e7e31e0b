// A manager on a cheap phone with JavaScript off finds a course and reads a whole lesson.
import { test, expect } from "./fixtures";

test.use({ javaScriptEnabled: false });

test("reads a lesson at 360 px with JavaScript disabled", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "vi");
  await page.getByRole("link", { name: /Quản trị hợp tác xã/ }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Quản trị hợp tác xã");
  await page.getByRole("link", { name: "Bắt đầu học" }).click();
  await expect(page).toHaveURL(/\/khoa-hoc\/quan-tri-hop-tac-xa\/bai\//);
  const article = page.locator("article.lesson");
  await expect(article.locator("h2").first()).toBeVisible();
  const words = (await article.innerText()).split(/\s+/).length;
  expect(words).toBeGreaterThan(600);
  // Nothing is wider than the phone's screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Next lesson works by plain links.
  await page.getByRole("link", { name: /Bài sau/ }).click();
  await expect(page).toHaveURL(/\/bai\//);
});

test("searches the catalog without JavaScript, ignoring diacritics", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Tìm khoá học").fill("chuyen doi so cho");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page).toHaveURL(/\?q=chuyen\+doi\+so\+cho/);
  await expect(page.locator(".card")).toHaveCount(1);
  await expect(page.locator(".card h3")).toHaveText(/Chuyển đổi số/);
});

test("switches to English and back without JavaScript", async ({ page }) => {
  await page.goto("/khoa-hoc/marketing-san-pham-ocop");
  await page.getByRole("link", { name: "Switch to English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Course contents" })).toBeVisible();
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("link", { name: "Chuyển sang tiếng Việt" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "vi");
});
