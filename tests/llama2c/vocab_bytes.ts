/** A llama2.c tokenizer file from (score, piece) pairs. */
export const vocabBytes = (
  maxTokenLength: number,
  entries: ReadonlyArray<readonly [number, string | Uint8Array]>,
): Uint8Array => {
  const parts = entries.map(([score, piece]) => {
    const bytes = typeof piece === "string"
      ? new TextEncoder().encode(piece)
      : piece;
    const out = new Uint8Array(8 + bytes.length);
    const view = new DataView(out.buffer);
    view.setFloat32(0, score, true);
    view.setInt32(4, bytes.length, true);
    out.set(bytes, 8);
    return out;
  });
  const out = new Uint8Array(4 + parts.reduce((n, p) => n + p.length, 0));
  new DataView(out.buffer).setInt32(0, maxTokenLength, true);
  let at = 4;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The 259 ids every byte-fallback vocabulary starts with. */
export const basePieces = (): Array<readonly [number, string]> => [
  [0, "<unk>"],
  [0, "\n<s>\n"],
  [0, "\n</s>\n"],
  ...Array.from(
    { length: 256 },
    (_, b) =>
      [0, `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`] as const,
  ),
];
