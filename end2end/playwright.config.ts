import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";

// Debian's chromium only: a test tool's own browser download is neither possible nor wanted here.
function chromium(): string {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  try {
    return execSync("command -v chromium || command -v chromium-browser", { shell: "/bin/sh" }).toString().trim();
  } catch {
    throw new Error("chromium not found: sudo apt-get install -y chromium");
  }
}

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  // The offline journey runs in a worker of its own: it turns on the service worker's network events
  // (learn-offline.spec.ts), which no other journey should run under.
  projects: [
    { name: "phone", testIgnore: /learn-offline/ },
    { name: "offline", testMatch: /learn-offline/ },
  ],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "vi-VN",
    launchOptions: {
      executablePath: chromium(),
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
});
