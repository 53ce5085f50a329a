/**
 * Progress on stderr for long runs: a bar redrawn in place on a terminal,
 * one line per step otherwise (CI logs, pipes). Never on stdout, which
 * carries the table or the JSON.
 */
export interface Progress {
  /** Step `done` of `total` starts: `label` says what runs now. */
  step(done: number, total: number, label: string): void;
  /** A finished result line, kept above the bar. */
  note(line: string): void;
  done(): void;
}

const encoder = new TextEncoder();
const write = (s: string) => Deno.stderr.writeSync(encoder.encode(s));

const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

export const progress = (enabled: boolean): Progress => {
  const started = performance.now();
  const tty = Deno.stderr.isTerminal();
  let drawn = false;
  const clear = () => {
    if (drawn) write("\r\x1b[2K");
    drawn = false;
  };
  return {
    step(done, total, label) {
      if (!enabled) return;
      const width = 24;
      const filled = Math.round((width * done) / Math.max(1, total));
      const line = `[${"#".repeat(filled)}${
        "-".repeat(width - filled)
      }] ${done}/${total} ${label} (${clock(performance.now() - started)})`;
      if (tty) {
        clear();
        write(line);
        drawn = true;
      } else write(`${line}\n`);
    },
    note(line) {
      if (!enabled) return;
      clear();
      write(`${line}\n`);
    },
    done() {
      clear();
    },
  };
};
