// Every browser test runs with the Content-Security-Policy on (security review M-5) and fails on any
// violation the browser reports, in the test's own context or in any context or page it opens itself.
import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";

export * from "@playwright/test";

const violation = /Content Security Policy|Content-Security-Policy/i;

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ browser, context }, use) => {
      const seen: string[] = [];
      const watch = (ctx: BrowserContext) => {
        ctx.on("console", (m) => {
          if (violation.test(m.text())) seen.push(`${m.page()?.url() ?? "?"}: ${m.text()}`);
        });
      };
      watch(context);
      const b = browser as Browser & { newContext: Browser["newContext"]; newPage: Browser["newPage"] };
      const [newContext, newPage] = [b.newContext.bind(b), b.newPage.bind(b)];
      b.newContext = async (...a) => {
        const c = await newContext(...a);
        watch(c);
        return c;
      };
      b.newPage = async (...a) => {
        const p = await newPage(...a);
        watch(p.context());
        return p;
      };
      await use();
      b.newContext = newContext;
      b.newPage = newPage;
      expect(seen, "the browser reported Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});
