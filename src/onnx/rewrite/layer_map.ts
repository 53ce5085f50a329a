/**
 * Where each hidden state lives in a graph. A `tensor` tap names an existing
 * tensor; a `skipSum` tap is output 3 (input + skip) of a fused skip norm,
 * which the rewrite adds to the node when the export left it out.
 */
export type Tap =
  | { readonly kind: "tensor"; readonly tensor: string }
  | { readonly kind: "skipSum"; readonly node: number };

/** Where a graph's hidden states are, found by one of the rewrite's rules. */
export interface LayerMap {
  /** Which rule found the layers: `skip-norm-chain`, `post-norm` or `pre-norm`. */
  readonly strategy: string;
  /** Number of transformer layers L; `taps` holds L + 1 hidden states. */
  readonly layers: number;
  /** Where each hidden state is read, 0 … L. */
  readonly taps: ReadonlyArray<Tap>;
}

/** Which tensor the last hidden state is in pre-norm models. */
export type FinalState =
  /** After the final norm, as Hugging Face's `hidden_states[-1]` (default). */
  | "normed"
  /** The raw residual stream after the last layer, before the final norm. */
  | "residual";
