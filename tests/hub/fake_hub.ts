import { createHash } from "node:crypto";

/**
 * A local stand-in for the Hugging Face hub on 127.0.0.1, speaking the URL
 * scheme and headers huggingface_hub reads: LFS files answer a 302 to a
 * blob URL on a second server (the "CDN", another origin, which like a
 * signed S3 URL refuses an Authorization header) with
 * `X-Linked-Etag`/`X-Linked-Size`, small files a direct 200
 * with a git-blob `ETag`; Range requests, gated repos, 404s with
 * `X-Error-Code`, the `/api/models` listing, and switches to break things.
 */

/** A file in a fake repo; `lfs` ones are served through a redirect. */
export interface FakeFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly lfs: boolean;
}

/** A fake repo; with `token`, only requests bearing it get in. */
export interface FakeRepo {
  readonly repo: string;
  readonly commit: string;
  readonly files: ReadonlyArray<FakeFile>;
  readonly token?: string;
}

/** One request the fake saw, on the hub or its CDN. */
export interface Seen {
  readonly server: "hub" | "cdn";
  readonly method: string;
  readonly path: string;
  readonly range: string | null;
  readonly auth: string | null;
}

/** Ways to misbehave, each switchable during a test. */
export interface Switches {
  /** Cut the next blob download after this many bytes (then reset). */
  cutOnceAt: number | undefined;
  /** Flip a byte of every blob sent. */
  corrupt: boolean;
  /** Answer Range requests with a whole-file 200. */
  ignoreRange: boolean;
  /** Blob bodies wait until this holds (polled; at most 10 s). */
  holdUntil: (() => boolean) | undefined;
}

/** A running fake hub, and the CDN (another origin) its LFS files redirect to. */
export interface FakeHub {
  readonly url: string;
  readonly cdnUrl: string;
  readonly seen: Seen[];
  readonly switches: Switches;
  readonly close: () => Promise<void>;
}

/** Deterministic pseudo-random bytes (xorshift32), to stand for weights. */
export const fakeBytes = (length: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
};

/** Hex sha256, the ETag of an LFS file. */
export const sha256Hex = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

/** Hex git blob sha1, the ETag of a file kept in git. */
export const gitSha1 = (bytes: Uint8Array): string =>
  createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest(
    "hex",
  );

const etagOf = (f: FakeFile) => f.lfs ? sha256Hex(f.bytes) : gitSha1(f.bytes);

const CHUNK = 64 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A body sent in chunks, maybe held back, maybe cut: the stream ends early,
// so the connection closes before Content-Length bytes went out.
const body = (bytes: Uint8Array, hold?: () => boolean, cutAt?: number) => {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async start() {
      for (let waited = 0; hold && !hold() && waited < 10_000; waited += 10) {
        await sleep(10);
      }
    },
    pull(controller) {
      if (cutAt !== undefined && at >= cutAt) {
        controller.close();
        return;
      }
      const end = Math.min(bytes.length, at + CHUNK, cutAt ?? Infinity);
      controller.enqueue(bytes.slice(at, end));
      at = end;
      if (at >= bytes.length) controller.close();
    },
  });
};

/** Starts a fake hub on 127.0.0.1 at a free port. */
export const startFakeHub = (repos: ReadonlyArray<FakeRepo>): FakeHub => {
  const seen: Seen[] = [];
  const switches: Switches = {
    cutOnceAt: undefined,
    corrupt: false,
    ignoreRange: false,
    holdUntil: undefined,
  };
  const blobs = new Map<string, Uint8Array>();
  for (const r of repos) {
    for (const f of r.files) blobs.set(etagOf(f), f.bytes);
  }
  let cdnOrigin = "";

  const send = (req: Request, bytes: Uint8Array, headers: Headers) => {
    let data = bytes;
    if (switches.corrupt && data.length > 0) {
      data = data.slice();
      data[data.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
    let start = 0;
    let status = 200;
    if (range && !switches.ignoreRange) {
      start = Number(range[1]);
      if (start >= data.length) return new Response(null, { status: 416 });
      status = 206;
      headers.set(
        "content-range",
        `bytes ${start}-${data.length - 1}/${data.length}`,
      );
    }
    headers.set("accept-ranges", "bytes");
    headers.set("content-length", String(data.length - start));
    if (req.method === "HEAD") return new Response(null, { status, headers });
    const cut = switches.cutOnceAt;
    switches.cutOnceAt = undefined;
    const rest = data.subarray(start);
    return new Response(
      body(rest, switches.holdUntil, cut),
      { status, headers },
    );
  };

  const error = (status: number, code: string) =>
    new Response(`${code}`, { status, headers: { "x-error-code": code } });

  const record = (server: "hub" | "cdn", req: Request) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    seen.push({
      server,
      method: req.method,
      path,
      range: req.headers.get("range"),
      auth: req.headers.get("authorization"),
    });
    return path;
  };

  // Like a signed S3 URL, the CDN refuses a second credential.
  const cdn = (req: Request): Response => {
    const blob = /^\/blobs\/([0-9a-f]+)$/.exec(record("cdn", req));
    const bytes = blob ? blobs.get(blob[1]) : undefined;
    if (req.headers.has("authorization")) return error(400, "TwoCredentials");
    return bytes ? send(req, bytes, new Headers()) : error(404, "NoBlob");
  };

  const hub = (req: Request): Response => {
    const path = record("hub", req);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const [repoId, rev] = api
      ? [api[1], api[2]]
      : resolve
      ? [resolve[1], resolve[2]]
      : [];
    const repo = repos.find((r) => r.repo === repoId);
    if (repoId === undefined) return error(404, "NoRoute");
    if (repo === undefined) return error(401, "RepoNotFound");
    if (
      repo.token && req.headers.get("authorization") !== `Bearer ${repo.token}`
    ) {
      return error(401, "GatedRepo");
    }
    if (rev !== "main" && rev !== repo.commit) {
      return error(404, "RevisionNotFound");
    }
    if (api) {
      return Response.json({
        id: repo.repo,
        sha: repo.commit,
        siblings: repo.files.map((f) => ({ rfilename: f.path })),
      });
    }
    const file = repo.files.find((f) => f.path === resolve![3]);
    if (file === undefined) return error(404, "EntryNotFound");
    const headers = new Headers({ "x-repo-commit": repo.commit });
    if (!file.lfs) {
      headers.set("etag", `"${etagOf(file)}"`);
      return send(req, file.bytes, headers);
    }
    headers.set("x-linked-etag", `"${etagOf(file)}"`);
    headers.set("x-linked-size", String(file.bytes.length));
    headers.set("etag", `"${gitSha1(new TextEncoder().encode("pointer"))}"`);
    headers.set("location", `${cdnOrigin}/blobs/${etagOf(file)}`);
    return new Response(null, { status: 302, headers });
  };

  const serve = (handler: (req: Request) => Response) =>
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const servers = [serve(hub), serve(cdn)];
  const [hubOrigin, cdnUrl] = servers.map((s) =>
    `http://127.0.0.1:${s.addr.port}`
  );
  cdnOrigin = cdnUrl;
  return {
    url: hubOrigin,
    cdnUrl,
    seen,
    switches,
    close: async () => {
      await Promise.all(servers.map((s) => s.shutdown()));
    },
  };
};
