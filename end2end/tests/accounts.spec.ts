// A manager signs up, signs out and in, marks a lesson done; an admin makes a password link and grants a
// role. The same journey with JavaScript on and off.
import { test, expect, Browser, Page } from "./fixtures";

const DEMO_ADMIN = "0900000004";
const DEMO_PASSWORD = "taphuan-demo";

function randomPhone(): string {
  return "09" + String(Math.floor(10_000_000 + Math.random() * 89_999_999));
}

async function signIn(page: Page, phone: string, password: string) {
  await page.goto("/dang-nhap");
  await page.getByLabel("Số điện thoại di động").fill(phone);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
}

async function newPage(browser: Browser, js: boolean): Promise<Page> {
  const ctx = await browser.newContext({
    javaScriptEnabled: js,
    viewport: { width: 360, height: 740 },
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
  });
  return ctx.newPage();
}

for (const js of [false, true]) {
  test(`sign up, sign in and out, reset and roles (JavaScript ${js ? "on" : "off"})`, async ({ browser }) => {
    test.setTimeout(90_000);
    const page = await newPage(browser, js);
    const phone = randomPhone();
    const name = `Nguyễn Thị Ánh Tuyết ${js ? "A" : "B"}${phone.slice(-4)}`;

    // Sign up: province first, then the form.
    await page.goto("/dang-ky");
    await page.getByRole("link", { name: "Vĩnh Long" }).click();
    await page.getByLabel("Họ và tên").fill(name);
    await page.getByLabel("Số điện thoại di động").fill(phone.replace(/(\d{4})(\d{3})(\d{3})/, "$1 $2 $3"));
    await page.getByLabel("Mật khẩu").fill("ngắn");
    await page.getByLabel("Tên hợp tác xã, doanh nghiệp hoặc cơ sở").fill("HTX Dừa Xanh");
    await page.getByLabel("Xã, phường").selectOption({ label: "Phường Phú Khương" });
    // The browser's own minlength check would stop a short password; remove it to see the server's answer.
    await page.locator("#password").evaluate((el) => el.removeAttribute("minlength"));
    await page.getByRole("button", { name: "Đăng ký" }).click();
    await expect(page).toHaveURL(/\/dang-ky\?tinh=86&loi=password_short&o=password&/);
    // The product's own message, beside the password field, which it describes.
    await expect(page.getByRole("alert")).toHaveText("Mật khẩu cần ít nhất 8 ký tự.");
    await expect(page.locator("#password-loi")).toHaveText("Mật khẩu cần ít nhất 8 ký tự.");
    await expect(page.locator("#password")).toHaveAttribute("aria-describedby", "password-hint password-loi");
    // What was typed comes back, the password never.
    await expect(page.getByLabel("Họ và tên")).toHaveValue(name);
    await expect(page.getByLabel("Số điện thoại di động")).toHaveValue(phone.replace(/(\d{4})(\d{3})(\d{3})/, "$1 $2 $3"));
    await expect(page.getByLabel("Tên hợp tác xã, doanh nghiệp hoặc cơ sở")).toHaveValue("HTX Dừa Xanh");
    await expect(page.getByLabel("Xã, phường").locator("option:checked")).toHaveText("Phường Phú Khương");
    await expect(page.locator("#password")).toHaveValue("");
    expect(page.url()).not.toContain("password=");
    await page.getByLabel("Mật khẩu").fill("dừa xanh Bến Tre");
    await page.getByRole("button", { name: "Đăng ký" }).click();
    await expect(page).toHaveURL(/\/tai-khoan$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);

    // Progress: mark a lesson done.
    await page.goto("/khoa-hoc/chuyen-doi-so");
    await page.getByRole("link", { name: "Bắt đầu học" }).click();
    await page.getByRole("button", { name: "Đánh dấu đã học xong" }).click();
    await expect(page.getByText("Bạn đã học xong bài này.")).toBeVisible();

    // Sign out, a wrong password, then in again.
    await page.goto("/tai-khoan");
    await page.getByRole("button", { name: "Đăng xuất", exact: true }).click();
    await expect(page).toHaveURL(/\/$/);
    await signIn(page, phone, "sai mật khẩu rồi");
    await expect(page.getByRole("alert")).toHaveText("Số điện thoại hoặc mật khẩu không đúng.");
    await signIn(page, phone, "dừa xanh Bến Tre");
    await expect(page.getByRole("link", { name: name.split(" ").pop()! })).toBeVisible();

    // An admin grants the trainer role, then makes a one-time link (a role granted later would void it).
    const admin = await newPage(browser, js);
    await signIn(admin, DEMO_ADMIN, DEMO_PASSWORD);
    await admin.goto(`/quan-tri?q=${encodeURIComponent(phone)}`);
    await admin.locator("li.person", { hasText: name }).locator("summary").click();
    await admin.locator("li.person", { hasText: name }).getByLabel("Vai trò", { exact: true }).selectOption("trainer");
    await admin.locator("li.person", { hasText: name }).getByRole("button", { name: "Cấp vai trò" }).click();
    await expect(admin.locator("li.person", { hasText: name })).toContainText("Cán bộ tập huấn");
    await admin.goto(`/quan-tri?q=${encodeURIComponent(phone)}`);
    await admin.locator("li.person", { hasText: name }).getByRole("button", { name: "Tạo liên kết đặt mật khẩu" }).click();
    const link = (await admin.locator("p.link code").innerText()).trim();
    expect(link).toMatch(/^\/mat-khau\/[0-9a-f]{48}$/);

    // The learner uses the link (from another device) and is signed in with the new password.
    const other = await newPage(browser, js);
    await other.goto(link);
    await expect(other.getByText(name)).toBeVisible();
    await other.getByLabel("Mật khẩu mới").fill("mật khẩu mới nhé");
    await other.getByRole("button", { name: "Lưu mật khẩu" }).click();
    await expect(other).toHaveURL(/\/tai-khoan$/);
    await expect(other.locator("dd", { hasText: "Cán bộ tập huấn" })).toBeVisible();
    await expect(other.getByRole("link", { name: "Quản trị" })).toBeVisible();
  });
}
