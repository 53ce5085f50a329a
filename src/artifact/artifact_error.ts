import { Data } from "effect";

/** A pipeline's statistics artifact is absent, corrupt or fitted for another version. */
export class ArtifactError extends Data.TaggedError("ArtifactError")<{
  readonly artifact: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Artifact ${this.artifact}: ${this.reason}`;
  }
}
