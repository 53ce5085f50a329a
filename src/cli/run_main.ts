import { Cause, Effect, Exit, type Layer } from "effect";
import type { BadConfig } from "../errors.ts";
import { type Services, ServicesFromEnv } from "../services.ts";

/**
 * Runs a CLI program: typed failures print their message and exit 1; a
 * defect (a bug) prints its full cause and exits 70.
 */
export const runMain = async <A, E>(
  program: Effect.Effect<A, E, Services>,
  layer: Layer.Layer<Services, BadConfig> = ServicesFromEnv,
): Promise<void> => {
  const exit = await Effect.runPromiseExit(Effect.provide(program, layer));
  if (Exit.isSuccess(exit)) return;
  const failure = exit.cause.reasons.find(Cause.isFailReason);
  if (failure) {
    const error = failure.error as { _tag?: string; message?: string };
    console.error(
      `error[${error._tag ?? "Error"}]: ${error.message ?? String(error)}`,
    );
    Deno.exit(1);
  }
  console.error(Cause.pretty(exit.cause));
  Deno.exit(70);
};
