import { Context, Effect, Layer } from "effect";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { QUEUE_NAMES, type QueueNames } from "./names.ts";
import { QueueError } from "./queue_error.ts";
import { natsServer } from "./queue_url.ts";

/** A connection to the ingest queue, its streams and state bucket made. */
export interface NatsQueueShape {
  /** The `nats://HOST:PORT` it was opened with. */
  readonly url: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Chunk states by chunk key (see `chunk_state.ts`). */
  readonly state: KV;
}

/** The service key base of {@link NatsQueue}. */
export const NatsQueueBase: Context.ServiceClass<
  NatsQueue,
  "sentemb/NatsQueue",
  NatsQueueShape
> = Context.Service<NatsQueue, NatsQueueShape>()("sentemb/NatsQueue");

/** The ingest queue on a NATS JetStream server, as a service. */
export class NatsQueue extends NatsQueueBase {}

const failure = (url: string, what: string) => (e: unknown) =>
  new QueueError({
    queue: url,
    reason: `${what}: ${e instanceof Error ? e.message : String(e)}`,
  });

/** Makes a stream unless it exists (same config: no change). */
const ensureStream = async (
  jsm: JetStreamManager,
  config: Parameters<JetStreamManager["streams"]["add"]>[0],
) => {
  try {
    await jsm.streams.info(config.name!);
  } catch {
    await jsm.streams.add(config);
  }
};

/**
 * Connects, and makes the streams and bucket when they are missing: the
 * ingest queue's, or those `names` gives (the evaluation grid's).
 */
export const openQueue = async (
  url: string,
  names: QueueNames = QUEUE_NAMES,
): Promise<NatsQueueShape> => {
  const server = natsServer(url);
  if (server === undefined) {
    throw new QueueError({
      queue: url,
      reason: "give the queue as nats://HOST:PORT",
    });
  }
  const nc = await connect({ servers: server, name: "sentemb" }).catch(
    (e) => {
      throw failure(url, "cannot connect (is `nats-server -js` running?)")(e);
    },
  );
  try {
    const jsm = await jetstreamManager(nc).catch((e) => {
      throw failure(url, "no JetStream (start it with `nats-server -js`)")(e);
    });
    await ensureStream(jsm, {
      name: names.stream,
      subjects: [names.subject],
      retention: RetentionPolicy.Workqueue,
    });
    await ensureStream(jsm, {
      name: names.deadStream,
      subjects: [names.deadSubject],
    });
    const state = await new Kvm(nc).create(names.bucket);
    return { url, nc, js: jetstream(nc), jsm, state };
  } catch (e) {
    await nc.close();
    throw e instanceof QueueError ? e : failure(url, "cannot set up")(e);
  }
};

/**
 * The queue at `url` (`nats://HOST:PORT`) as a layer: connected when built,
 * drained (pending publishes and acks flushed) when its scope closes.
 */
export const natsQueueLayer = (
  url: string,
  names: QueueNames = QUEUE_NAMES,
): Layer.Layer<NatsQueue, QueueError> =>
  Layer.effect(
    NatsQueue,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => openQueue(url, names),
        catch: (e) =>
          e instanceof QueueError ? e : failure(url, "cannot open")(e),
      }),
      (q) => Effect.promise(() => q.nc.drain().catch(() => {})),
    ),
  );
