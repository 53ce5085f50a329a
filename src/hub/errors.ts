import { Schema } from "effect";

/**
 * The typed failures of the hub client. Each message names the model, the
 * file and the revision at fault, and what to do about it.
 */

const at = (repo: string, revision: string, path?: string): string =>
  path === undefined
    ? `"${repo}" at revision "${revision}"`
    : `"${path}" of "${repo}" at revision "${revision}"`;

/** A model reference or file path that is not of the hub's form. */
export class HubBadRef extends Schema.TaggedError<HubBadRef>()("HubBadRef", {
  input: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `Invalid hub reference "${this.input}": ${this.reason}`;
  }
}

/** `HF_HUB_OFFLINE` is set and the cache does not hold what was asked. */
export class HubOffline extends Schema.TaggedError<HubOffline>()("HubOffline", {
  repo: Schema.String,
  revision: Schema.String,
  /** The file asked for; absent for a file listing. */
  path: Schema.optional(Schema.String),
  cacheDir: Schema.String,
}) {
  override get message(): string {
    const what = this.path === undefined ? "The file list of" : "File";
    return `${what} ${
      at(this.repo, this.revision, this.path)
    } is not in the Hugging Face cache ${this.cacheDir}, and HF_HUB_OFFLINE is set: unset HF_HUB_OFFLINE to download it`;
  }
}

/** The hub refused access (401 or 403): a gated or private model. */
export class HubUnauthorized
  extends Schema.TaggedError<HubUnauthorized>()("HubUnauthorized", {
    repo: Schema.String,
    revision: Schema.String,
    path: Schema.optional(Schema.String),
    status: Schema.Number,
    /** Whether a token was sent (and refused). */
    tokenSent: Schema.Boolean,
  }) {
  override get message(): string {
    const fix = this.tokenSent
      ? "the HF_TOKEN sent was refused: check that it can read this model and that its terms were accepted on the model's page"
      : "set HF_TOKEN";
    return `Hub answered ${this.status} for ${
      at(this.repo, this.revision, this.path)
    }: gated or private model: ${fix}`;
  }
}

/** The hub has no such repository, revision or file (404). */
export class HubNotFound extends Schema.TaggedError<HubNotFound>()(
  "HubNotFound",
  {
    repo: Schema.String,
    revision: Schema.String,
    path: Schema.optional(Schema.String),
    /** What is missing, from the hub's `X-Error-Code` where it says. */
    missing: Schema.Literals(["file", "revision", "repository"]),
  },
) {
  override get message(): string {
    switch (this.missing) {
      case "repository":
        return `Repository "${this.repo}" not found on the hub (asked for ${
          at(this.repo, this.revision, this.path)
        }); if it is private, set HF_TOKEN`;
      case "revision":
        return `Revision "${this.revision}" not found in "${this.repo}"${
          this.path === undefined ? "" : ` (asked for "${this.path}")`
        }`;
      default:
        return `File ${
          at(this.repo, this.revision, this.path)
        } not found on the hub`;
    }
  }
}

/** A download whose size or checksum is not what the hub announced. */
export class HubCorruptDownload
  extends Schema.TaggedError<HubCorruptDownload>()("HubCorruptDownload", {
    repo: Schema.String,
    path: Schema.String,
    check: Schema.Literals(["size", "sha256", "git-sha1"]),
    expected: Schema.String,
    actual: Schema.String,
    /** The partial file that was deleted. */
    discarded: Schema.String,
  }) {
  override get message(): string {
    return `Download of "${this.path}" from "${this.repo}" failed its ${this.check} check (expected ${this.expected}, got ${this.actual}): the downloaded file was discarded (${this.discarded}); download it again`;
  }
}

/** The hub or its CDN could not be reached, or the connection broke. */
export class HubNetworkError
  extends Schema.TaggedError<HubNetworkError>()("HubNetworkError", {
    url: Schema.String,
    reason: Schema.String,
    /** Bytes kept in the `.incomplete` file, which a later call resumes. */
    kept: Schema.optional(Schema.Number),
  }) {
  override get message(): string {
    const kept = this.kept
      ? `; ${this.kept} bytes were kept and the next attempt resumes from there`
      : "";
    return `Could not download ${this.url}: ${this.reason}${kept}`;
  }
}

/** An answer that is not what the hub protocol promises. */
export class HubBadResponse
  extends Schema.TaggedError<HubBadResponse>()("HubBadResponse", {
    url: Schema.String,
    status: Schema.Number,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Unexpected answer ${this.status} from ${this.url}: ${this.reason}`;
  }
}

/** The cache folder could not be read or written. */
export class HubCacheError
  extends Schema.TaggedError<HubCacheError>()("HubCacheError", {
    path: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Hugging Face cache error at ${this.path}: ${this.reason}`;
  }
}

/** Every failure of the hub client. */
export type HubError =
  | HubBadRef
  | HubOffline
  | HubUnauthorized
  | HubNotFound
  | HubCorruptDownload
  | HubNetworkError
  | HubBadResponse
  | HubCacheError;
