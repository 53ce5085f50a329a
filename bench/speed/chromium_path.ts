/**
 * Debian's Chromium unless `SENTEMB_CHROMIUM` names another (kept apart
 * from the page driver, which imports playwright: tests read this without
 * --allow-all).
 */
export const chromiumPath = (): string =>
  Deno.env.get("SENTEMB_CHROMIUM") ?? "/usr/bin/chromium";
