import { Schema } from "effect";

/** A pipeline's statistics artifact is absent, corrupt or fitted for another version. */
export class ArtifactError
  extends Schema.TaggedError<ArtifactError>()("ArtifactError", {
    artifact: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Artifact ${this.artifact}: ${this.reason}`;
  }
}
