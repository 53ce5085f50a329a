import { createHash } from "node:crypto";

/** An artifact's name and version: 16 hex digits of SHA-256 over its bytes. */
export const contentHash = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex").slice(0, 16);
