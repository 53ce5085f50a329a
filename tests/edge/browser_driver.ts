/// <reference lib="dom" />
/**
 * Drives the demo page in headless Chromium and prints what it rendered as
 * JSON. Run by browser_page_test.ts in its own process: playwright reads
 * /proc at load, which Deno grants only with --allow-all.
 *
 * Usage: [SENTEMB_WEBGPU=1] deno run -A browser_driver.ts URL CHROMIUM MODEL SENTENCE...
 * (MODEL `default`: the page's own choice.)
 */
import { chromium } from "playwright-core";

const [url, executablePath, model, ...sentences] = Deno.args;
// SENTEMB_WEBGPU=1: a software WebGPU adapter (SwiftShader), so the page's
// WebGPU path runs on a machine without a GPU.
const webgpu = Deno.env.get("SENTEMB_WEBGPU") === "1"
  ? ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"]
  : [];
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--headless=new", ...webgpu],
});
try {
  const page = await browser.newPage();
  const requested: string[] = [];
  const origins = new Set<string>();
  page.on("request", (r) => {
    const u = new URL(r.url());
    requested.push(u.pathname);
    origins.add(u.origin);
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("#go:not([disabled])", { timeout: 20_000 });
  await page.fill("#sentences", sentences.join("\n"));
  if (model !== "default") await page.selectOption("#model", model);
  const selected = await page.$eval(
    "#model",
    (s) => (s as HTMLSelectElement).value,
  );
  // The size line follows the selection (HEAD requests first).
  await page.waitForFunction(
    (id) => document.getElementById("size")?.textContent?.startsWith(id),
    selected,
    { timeout: 20_000 },
  );
  const sizeBefore = await page.textContent("#size");
  await page.click("#go");
  await page.waitForSelector("body[data-ready='1']", { timeout: 90_000 });
  const scores = await page.$$eval(
    "#matrix td[data-score]",
    (cells) => cells.map((c) => Number(c.getAttribute("data-score"))),
  );
  const status = await page.textContent("#status");
  const runtime = await page.evaluate(() => document.body.dataset.runtime);
  const downloadBytes = await page.evaluate(() =>
    Number(document.body.dataset.downloadBytes)
  );
  const sizeAfter = await page.textContent("#size");
  const legend = await page.$$eval(
    "#legend .bar",
    (bars) => bars.map((b) => (b as HTMLElement).style.background),
  );
  console.log(
    JSON.stringify({
      scores,
      requested,
      errors,
      status,
      runtime,
      selected,
      sizeBefore,
      sizeAfter,
      downloadBytes,
      legend,
      origins: [...origins],
      // Dedicated workers the page started: onnxruntime-web's WASM threads.
      workers: page.workers().length,
    }),
  );
} finally {
  await browser.close();
}
