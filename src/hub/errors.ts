import type { Cause } from "effect";
import { Schema } from "effect";

/**
 * The typed failures of the hub client. Each message names the model, the
 * file and the revision at fault, and what to do about it.
 */

const at = (repo: string, revision: string, path?: string): string =>
  path === undefined
    ? `"${repo}" at revision "${revision}"`
    : `"${path}" of "${repo}" at revision "${revision}"`;

/** The schema-backed base class of {@link HubBadRef}. */
export const HubBadRefBase: Schema.Class<
  HubBadRef,
  Schema.TaggedStruct<
    "HubBadRef",
    { readonly input: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubBadRef>()("HubBadRef", {
  input: Schema.String,
  reason: Schema.String,
});

/** A model reference or file path that is not of the hub's form. */
export class HubBadRef extends HubBadRefBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Invalid hub reference "${this.input}": ${this.reason}`;
  }
}

/** The schema-backed base class of {@link HubOffline}. */
export const HubOfflineBase: Schema.Class<
  HubOffline,
  Schema.TaggedStruct<
    "HubOffline",
    {
      readonly repo: Schema.String;
      readonly revision: Schema.String;
      readonly path: Schema.optional<Schema.String>;
      readonly cacheDir: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubOffline>()("HubOffline", {
  repo: Schema.String,
  revision: Schema.String,
  /** The file asked for; absent for a file listing. */
  path: Schema.optional(Schema.String),
  cacheDir: Schema.String,
});

/** `HF_HUB_OFFLINE` is set and the cache does not hold what was asked. */
export class HubOffline extends HubOfflineBase {
  /** The message, built from the fields. */
  override get message(): string {
    const what = this.path === undefined ? "The file list of" : "File";
    return `${what} ${
      at(this.repo, this.revision, this.path)
    } is not in the Hugging Face cache ${this.cacheDir}, and HF_HUB_OFFLINE is set: unset HF_HUB_OFFLINE to download it`;
  }
}

/** The schema-backed base class of {@link HubUnauthorized}. */
export const HubUnauthorizedBase: Schema.Class<
  HubUnauthorized,
  Schema.TaggedStruct<
    "HubUnauthorized",
    {
      readonly repo: Schema.String;
      readonly revision: Schema.String;
      readonly path: Schema.optional<Schema.String>;
      readonly status: Schema.Number;
      readonly tokenSent: Schema.Boolean;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubUnauthorized>()("HubUnauthorized", {
  repo: Schema.String,
  revision: Schema.String,
  path: Schema.optional(Schema.String),
  status: Schema.Number,
  /** Whether a token was sent (and refused). */
  tokenSent: Schema.Boolean,
});

/** The hub refused access (401 or 403): a gated or private model. */
export class HubUnauthorized extends HubUnauthorizedBase {
  /** The message, built from the fields. */
  override get message(): string {
    const fix = this.tokenSent
      ? "the HF_TOKEN sent was refused: check that it can read this model and that its terms were accepted on the model's page"
      : "set HF_TOKEN";
    return `Hub answered ${this.status} for ${
      at(this.repo, this.revision, this.path)
    }: gated or private model: ${fix}`;
  }
}

/** The schema-backed base class of {@link HubNotFound}. */
export const HubNotFoundBase: Schema.Class<
  HubNotFound,
  Schema.TaggedStruct<
    "HubNotFound",
    {
      readonly repo: Schema.String;
      readonly revision: Schema.String;
      readonly path: Schema.optional<Schema.String>;
      readonly missing: Schema.Literals<
        readonly ["file", "revision", "repository"]
      >;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubNotFound>()("HubNotFound", {
  repo: Schema.String,
  revision: Schema.String,
  path: Schema.optional(Schema.String),
  /** What is missing, from the hub's `X-Error-Code` where it says. */
  missing: Schema.Literals(["file", "revision", "repository"]),
});

/** The hub has no such repository, revision or file (404). */
export class HubNotFound extends HubNotFoundBase {
  /** The message, built from the fields. */
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

/** The schema-backed base class of {@link HubCorruptDownload}. */
export const HubCorruptDownloadBase: Schema.Class<
  HubCorruptDownload,
  Schema.TaggedStruct<
    "HubCorruptDownload",
    {
      readonly repo: Schema.String;
      readonly path: Schema.String;
      readonly check: Schema.Literals<readonly ["size", "sha256", "git-sha1"]>;
      readonly expected: Schema.String;
      readonly actual: Schema.String;
      readonly discarded: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubCorruptDownload>()("HubCorruptDownload", {
  repo: Schema.String,
  path: Schema.String,
  check: Schema.Literals(["size", "sha256", "git-sha1"]),
  expected: Schema.String,
  actual: Schema.String,
  /** The partial file that was deleted. */
  discarded: Schema.String,
});

/** A download whose size or checksum is not what the hub announced. */
export class HubCorruptDownload extends HubCorruptDownloadBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Download of "${this.path}" from "${this.repo}" failed its ${this.check} check (expected ${this.expected}, got ${this.actual}): the downloaded file was discarded (${this.discarded}); download it again`;
  }
}

/** The schema-backed base class of {@link HubNetworkError}. */
export const HubNetworkErrorBase: Schema.Class<
  HubNetworkError,
  Schema.TaggedStruct<
    "HubNetworkError",
    {
      readonly url: Schema.String;
      readonly reason: Schema.String;
      readonly kept: Schema.optional<Schema.Number>;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubNetworkError>()("HubNetworkError", {
  url: Schema.String,
  reason: Schema.String,
  /** Bytes kept in the `.incomplete` file, which a later call resumes. */
  kept: Schema.optional(Schema.Number),
});

/** The hub or its CDN could not be reached, or the connection broke. */
export class HubNetworkError extends HubNetworkErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    const kept = this.kept
      ? `; ${this.kept} bytes were kept and the next attempt resumes from there`
      : "";
    return `Could not download ${this.url}: ${this.reason}${kept}`;
  }
}

/** The schema-backed base class of {@link HubBadResponse}. */
export const HubBadResponseBase: Schema.Class<
  HubBadResponse,
  Schema.TaggedStruct<
    "HubBadResponse",
    {
      readonly url: Schema.String;
      readonly status: Schema.Number;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubBadResponse>()("HubBadResponse", {
  url: Schema.String,
  status: Schema.Number,
  reason: Schema.String,
});

/** An answer that is not what the hub protocol promises. */
export class HubBadResponse extends HubBadResponseBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Unexpected answer ${this.status} from ${this.url}: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link HubCacheError}. */
export const HubCacheErrorBase: Schema.Class<
  HubCacheError,
  Schema.TaggedStruct<
    "HubCacheError",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<HubCacheError>()("HubCacheError", {
  path: Schema.String,
  reason: Schema.String,
});

/** The cache folder could not be read or written. */
export class HubCacheError extends HubCacheErrorBase {
  /** The message, built from the fields. */
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
