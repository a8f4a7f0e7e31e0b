// From a new account through every lesson and quiz of a course to the PDF certificate and its public
// verification page (the address the certificate's QR code carries).
import { test, expect } from "./fixtures";

test("a new learner earns a certificate and anyone can verify it", async ({ page }) => {
  test.setTimeout(90_000);
  const phone = "09" + String(Math.floor(10_000_000 + Math.random() * 89_999_999));
  const name = "Nguyễn Thị Ánh Tuyết";
  await page.goto("/dang-ky?tinh=86");
  await page.getByLabel("Họ và tên").fill(name);
  await page.getByLabel("Số điện thoại di động").fill(phone);
  await page.getByLabel("Mật khẩu").fill("dừa xanh Bến Tre");
  await page.getByLabel("Xã, phường").selectOption({ label: "Phường Phú Khương" });
  await page.getByRole("button", { name: "Đăng ký" }).click();
  await expect(page).toHaveURL(/\/tai-khoan$/);

  // Every lesson.
  await page.goto("/khoa-hoc/mini");
  await page.getByRole("link", { name: "Bắt đầu học" }).click();
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Đánh dấu đã học xong" }).click();
    await expect(page.getByText("Bạn đã học xong bài này.")).toBeVisible();
    await page.getByRole("link", { name: /Bài sau/ }).click();
  }

  // The quiz, answered right.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kiểm tra nhanh");
  await page.getByRole("button", { name: "Bắt đầu làm bài" }).click();
  const q = (text: string) => page.locator("fieldset.question", { hasText: text });
  await q("bao nhiêu thành viên chính thức").getByLabel("5", { exact: true }).check();
  await q("mô hình rút gọn").getByLabel("Đại hội thành viên").check();
  await q("mô hình rút gọn").getByLabel("Giám đốc").check();
  await q("tiếng Việt").getByLabel("Đúng").check();
  await q("Viết tắt").locator("input").fill("ocop");
  await q("Giá bán").locator("input").fill("22.500");
  await page.getByRole("button", { name: "Nộp bài" }).click();
  await expect(page.locator(".score .big")).toHaveText("100%");

  // The second quiz draws two of three questions; "Có" is right for each.
  await page.goto("/khoa-hoc/mini/kiem-tra/rut-tham");
  await page.getByRole("button", { name: "Bắt đầu làm bài" }).click();
  for (const radio of await page.getByLabel("Có").all()) await radio.check();
  await page.getByRole("button", { name: "Nộp bài" }).click();
  await expect(page.locator(".score .big")).toHaveText("100%");

  // The certificate.
  await page.goto("/tai-khoan");
  const pdfLink = page.getByRole("link", { name: "Tải chứng nhận (PDF)" });
  await expect(pdfLink).toBeVisible();
  const pdf = await page.request.get((await pdfLink.getAttribute("href"))!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");
  const credential = await (await page.request.get((await page.getByRole("link", { name: "Chứng nhận số (JSON)" }).getAttribute("href"))!)).json();
  expect(credential.type).toContain("OpenBadgeCredential");
  expect(credential.credentialSubject.name).toBe(name);
  expect(credential.proof.cryptosuite).toBe("eddsa-jcs-2022");

  // "Khoá học của tôi" shows the course done, its best score and the code, linked to its verification page.
  const mine = page.locator("ul.my-courses li", { hasText: "Khoá mẫu chuyển đổi số" });
  await expect(mine).toContainText("Đã học 3/3 bài");
  await expect(mine).toContainText("Điểm kiểm tra cao nhất: 100,0 %");
  await expect(mine).toContainText("Hoàn thành ngày");
  await expect(mine.getByRole("link", { name: /^[0-9A-Z]{4}-/ })).toHaveAttribute("href", /^\/verify\/[0-9A-Z-]{19}$/);

  // Anyone, signed out, opens the verification address.
  const visitor = await page.context().browser()!.newContext({ viewport: { width: 360, height: 740 } });
  const v = await visitor.newPage();
  await v.goto(new URL(credential.id).pathname);
  await expect(v.getByText("✓ Chứng nhận hợp lệ")).toBeVisible();
  await expect(v.getByText(name)).toBeVisible();
  await expect(v.getByText("Khoá mẫu chuyển đổi số")).toBeVisible();
  await visitor.close();
});
