// A manager takes a course's quiz on a phone, with JavaScript off and on, and reads a result that teaches.
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";

for (const js of [false, true]) {
  test(`takes a quiz at 360 px (JavaScript ${js ? "on" : "off"})`, async ({ browser }) => {
    const ctx = await browser.newContext({
      javaScriptEnabled: js,
      viewport: { width: 360, height: 740 },
      baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/dang-nhap");
    await page.locator("#phone").fill("0900000001");
    await page.locator("#password").fill("taphuan-demo");
    await page.locator("form.stack button[type=submit]").click();
    await page.waitForURL(/\/$/);

    await page.goto("/khoa-hoc/marketing-san-pham-ocop");
    await page.locator("li.item.quiz a").click();
    // As many questions as the shipped quiz has: the course can grow without an edit here.
    const stated = page.getByText(/^\d+ câu hỏi/);
    await expect(stated).toBeVisible();
    const n = Number((await stated.innerText()).match(/^(\d+)/)![1]);
    expect(n).toBeGreaterThanOrEqual(10);
    await page.locator("form button[type=submit]").click();
    await expect(page).toHaveURL(/\/lan\/[0-9a-f-]+$/);
    const questions = page.locator("fieldset.question");
    await expect(questions).toHaveCount(n);
    // axe and layout checks run scripts in the page, so they run in the JavaScript-on pass.
    if (js) {
      expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
      await expect(page.locator("form.quiz")).toHaveAttribute("data-live", "on", { timeout: 15_000 });
      await expect(page.locator(".progress-line")).toHaveText(`Đã trả lời 0/${n}`);
    }
    for (let i = 0; i < n; i++) {
      const q = questions.nth(i);
      const choice = q.locator("input[type=radio], input[type=checkbox]").first();
      if (await choice.count()) {
        await choice.check();
      } else {
        await q.locator("input").fill("22.500");
      }
    }
    if (js) await expect(page.locator(".progress-line")).toHaveText(`Đã trả lời ${n}/${n}`);
    await page.getByRole("button", { name: "Nộp bài" }).click();
    await expect(page.locator(".score .big")).toHaveText(/^\d+(,\d)?%$/);
    await expect(page.locator(".result")).toHaveCount(n);
    await expect(page.locator(".result .explanation").first()).not.toBeEmpty();
    if (js) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
    }
    // Pressing back and submitting again changes nothing: the same result is shown.
    await page.goBack();
    if (await page.getByRole("button", { name: "Nộp bài" }).count()) {
      await page.getByRole("button", { name: "Nộp bài" }).click();
      await expect(page.locator(".result")).toHaveCount(n);
    }
    expect(errors).toEqual([]);
    await ctx.close();
  });
}
