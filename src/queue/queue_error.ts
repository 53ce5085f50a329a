import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link QueueError}. */
export const QueueErrorBase: Schema.Class<
  QueueError,
  Schema.TaggedStruct<
    "QueueError",
    { readonly queue: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<QueueError>()("QueueError", {
  queue: Schema.String,
  reason: Schema.String,
});

/**
 * A failure of the job queue: the server cannot be reached, JetStream is
 * off, a worker runs another pipeline than the chunks were submitted for.
 */
export class QueueError extends QueueErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.queue}: ${this.reason}`;
  }
}
