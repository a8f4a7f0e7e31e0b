// With JavaScript, the search island hydrates and filters the catalog as the learner types, with no reload.
import { test, expect } from "./fixtures";

test("the search island hydrates and filters live", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto("/");
  const cards = page.locator(".card:visible");
  const all = await page.locator(".card").count();
  expect(all).toBeGreaterThanOrEqual(3);
  await expect(cards).toHaveCount(all);
  // The island marks itself live once the wasm has run: that needs working hydration.
  await expect(page.locator("form.search")).toHaveAttribute("data-live", "on", { timeout: 15_000 });
  await page.getByLabel("Tìm khoá học").pressSequentially("CHUYEN DOI SO CHO");
  await expect(cards).toHaveCount(1);
  await expect(cards.locator("h3")).toHaveText(/Chuyển đổi số/);
  expect(page.url()).not.toContain("?q=");
  await page.getByLabel("Tìm khoá học").fill("");
  await page.getByLabel("Tìm khoá học").pressSequentially("x");
  await page.getByLabel("Tìm khoá học").press("Backspace");
  await expect(cards).toHaveCount(all);
  await page.getByLabel("Tìm khoá học").pressSequentially("khong co gi");
  await expect(cards).toHaveCount(0);
  await expect(page.locator("[data-none]")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a lesson page downloads no JavaScript or wasm", async ({ page }) => {
  const scripts: string[] = [];
  page.on("request", (r) => { if (["script", "fetch"].includes(r.resourceType()) || r.url().endsWith(".wasm")) scripts.push(r.url()); });
  await page.goto("/khoa-hoc/chuyen-doi-so");
  await page.getByRole("link", { name: "Bắt đầu học" }).click();
  await expect(page.locator("article.lesson h1")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(scripts).toEqual([]);
});
