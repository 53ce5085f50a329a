import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link ArtifactError}. */
export const ArtifactErrorBase: Schema.Class<
  ArtifactError,
  Schema.TaggedStruct<
    "ArtifactError",
    { readonly artifact: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<ArtifactError>()("ArtifactError", {
  artifact: Schema.String,
  reason: Schema.String,
});

/** A pipeline's statistics artifact is absent, corrupt or fitted for another version. */
export class ArtifactError extends ArtifactErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Artifact ${this.artifact}: ${this.reason}`;
  }
}
