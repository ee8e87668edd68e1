// Test fixtures: every page's console is watched and a test fails on a real console error or an
// uncaught exception. luma.gl's shader-reflection notices and the software GL driver's
// performance messages are logged at debug/warning level and are not errors.
import { test as base, expect, type Page } from "@playwright/test";

/** Console errors that are not defects of the page. */
const BENIGN_ERRORS = [
  // Chromium's own message for the subscription socket when a test stops the page mid-connect.
  /WebSocket connection to .* failed: WebSocket is closed before the connection is established/,
];

export type ConsoleProblems = string[];

export const test = base.extend<{ consoleProblems: ConsoleProblems }>({
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const text = msg.text();
      if (BENIGN_ERRORS.some((re) => re.test(text))) return;
      problems.push(`console.error: ${text} (${msg.location().url})`);
    });
    page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
    await use(problems);
  },
});

export { expect };

type PixelStat = "variance" | "changed";

/**
 * Decodes PNG screenshots in the page (no image library needed) and reduces their pixels:
 * "variance" of the first image's luminance, or the fraction of pixels that "changed" by more
 * than a small colour distance between the first and second image.
 */
async function pixelStat(page: Page, stat: PixelStat, pngs: Buffer[]): Promise<number> {
  return page.evaluate(
    async ({ stat, images }) => {
      const decode = async (base64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${base64}`;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext("2d")!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height).data;
      };
      const [x, y] = await Promise.all(images.map(decode));
      const n = x!.length / 4;
      if (stat === "variance") {
        let sum = 0;
        let sumSq = 0;
        for (let i = 0; i < x!.length; i += 4) {
          const lum = 0.2126 * x![i]! + 0.7152 * x![i + 1]! + 0.0722 * x![i + 2]!;
          sum += lum;
          sumSq += lum * lum;
        }
        return sumSq / n - (sum / n) ** 2;
      }
      let changed = 0;
      for (let i = 0; i < x!.length; i += 4) {
        const d = Math.abs(x![i]! - y![i]!) + Math.abs(x![i + 1]! - y![i + 1]!) + Math.abs(x![i + 2]! - y![i + 2]!);
        if (d > 30) changed++;
      }
      return changed / n;
    },
    { stat, images: pngs.map((p) => p.toString("base64")) },
  );
}

/** Luminance variance of an element's screenshot: near 0 for a blank or flat canvas. */
export async function pixelVariance(page: Page, selector: string): Promise<number> {
  return pixelStat(page, "variance", [await page.locator(selector).first().screenshot()]);
}

/** Fraction of pixels that differ visibly between two screenshots of the same size. */
export async function changedFraction(page: Page, before: Buffer, after: Buffer): Promise<number> {
  return pixelStat(page, "changed", [before, after]);
}
