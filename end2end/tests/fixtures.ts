// Every browser test runs with the Content-Security-Policy on (security review M-5) and fails on any
// violation the browser reports, in the test's own context or in any context or page it opens itself.
import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";

export * from "@playwright/test";

const violation = /Content Security Policy|Content-Security-Policy/i;

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ browser, context }, use) => {
      const seen: string[] = [];
      // The page's own securitypolicyviolation events, written to the console (the init script is put in by
      // the browser's tooling, so the policy does not apply to it), and the browser's console messages.
      const watch = async (ctx: BrowserContext) => {
        await ctx.addInitScript(() => {
          document.addEventListener("securitypolicyviolation", (e) => {
            console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
          });
        });
        ctx.on("console", (m) => {
          if (violation.test(m.text())) seen.push(`${m.page()?.url() ?? "?"}: ${m.text()}`);
        });
      };
      await watch(context);
      const b = browser as Browser & { newContext: Browser["newContext"]; newPage: Browser["newPage"] };
      const [newContext, newPage] = [b.newContext.bind(b), b.newPage.bind(b)];
      b.newContext = async (...a) => {
        const c = await newContext(...a);
        await watch(c);
        return c;
      };
      b.newPage = async (...a) => {
        const p = await newPage(...a);
        await watch(p.context());
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
