/**
 * Prometheus text exposition of the server's counters and histograms.
 *
 * Hand-written: prom-client pulls in Node's process and cluster modules,
 * which edge runtimes lack, and the subset used here (labelled counters,
 * fixed-bucket histograms) is a few lines.
 */
/** A metric's labels, by name. */
export type Labels = Readonly<Record<string, string>>;

const labelKey = (labels: Labels): string =>
  Object.keys(labels).sort().map((k) =>
    `${k}="${labels[k].replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`
  ).join(",");

/** A labelled Prometheus counter. */
export class Counter {
  /** The count of each label set (by its rendered key). */
  readonly values: Map<string, number> = new Map<string, number>();
  /** A counter with its metric name and help text. */
  constructor(readonly name: string, readonly help: string) {}
  /** Adds `by` (default 1) to the count of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  /** The metric in Prometheus text exposition format. */
  render(): string[] {
    const out = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`,
    ];
    for (const [k, v] of this.values) {
      out.push(`${this.name}${k ? `{${k}}` : ""} ${v}`);
    }
    return out;
  }
}

/** A labelled Prometheus histogram with fixed buckets. */
export class Histogram {
  /** Each label set's bucket counts, sum and count (by its rendered key). */
  readonly series: Map<
    string,
    { counts: number[]; sum: number; n: number }
  > = new Map<
    string,
    { counts: number[]; sum: number; n: number }
  >();
  /** A histogram with its metric name, help text and bucket upper bounds. */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: ReadonlyArray<number>,
  ) {}
  /** Records one observation under `labels`. */
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, n: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) s.counts[i]++;
    }
    s.sum += value;
    s.n++;
  }
  /** The metric in Prometheus text exposition format. */
  render(): string[] {
    const out = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
    ];
    for (const [k, s] of this.series) {
      const pre = k ? `${k},` : "";
      this.buckets.forEach((b, i) =>
        out.push(`${this.name}_bucket{${pre}le="${b}"} ${s.counts[i]}`)
      );
      out.push(`${this.name}_bucket{${pre}le="+Inf"} ${s.n}`);
      out.push(`${this.name}_sum${k ? `{${k}}` : ""} ${s.sum}`);
      out.push(`${this.name}_count${k ? `{${k}}` : ""} ${s.n}`);
    }
    return out;
  }
}

/** The server's metrics; one instance per app. */
export class ServerMetrics {
  /** HTTP requests by route and status. */
  readonly requests: Counter = new Counter(
    "sentemb_http_requests_total",
    "HTTP requests by route and status.",
  );
  /** HTTP request latency by route. */
  readonly latency: Histogram = new Histogram(
    "sentemb_http_request_duration_seconds",
    "HTTP request latency by route.",
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  /** Inputs per model batch. */
  readonly batchSize: Histogram = new Histogram(
    "sentemb_batch_size_inputs",
    "Inputs per model batch (after micro-batching).",
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  );
  /** Tokens per model batch. */
  readonly batchTokens: Histogram = new Histogram(
    "sentemb_batch_size_tokens",
    "Tokens per model batch (after micro-batching).",
    [16, 64, 256, 1024, 4096, 16384, 65536],
  );
  /** Tokens embedded, by pipeline. */
  readonly tokens: Counter = new Counter(
    "sentemb_input_tokens_total",
    "Tokens embedded, by pipeline.",
  );
  /** Inputs cut to the token limit, by pipeline. */
  readonly truncated: Counter = new Counter(
    "sentemb_truncated_inputs_total",
    "Inputs cut to the token limit, by pipeline.",
  );
  /** Requests refused with 429, by pipeline. */
  readonly rejected: Counter = new Counter(
    "sentemb_overloaded_total",
    "Requests refused with 429 because a pipeline's queue was full.",
  );

  /** The metric in Prometheus text exposition format. */
  render(): string {
    return [
      ...this.requests.render(),
      ...this.latency.render(),
      ...this.batchSize.render(),
      ...this.batchTokens.render(),
      ...this.tokens.render(),
      ...this.truncated.render(),
      ...this.rejected.render(),
    ].join("\n") + "\n";
  }
}
