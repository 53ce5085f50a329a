/**
 * The artifact container: a small binary that any runtime can read without
 * a parser library. Layout: the 8-byte magic `SEMBART1`, a little-endian
 * uint32 header length, the UTF-8 JSON header, zero padding to a multiple of
 * 4, then the sections' bytes back to back (each padded to 4 bytes) so every
 * typed array can be viewed in place.
 */
export const MAGIC = "SEMBART1";

export type SectionType = "u8" | "u32" | "f32";

export interface SectionEntry {
  readonly name: string;
  readonly type: SectionType;
  /** Byte offset from the start of the payload. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;
}

export interface ContainerHeader {
  readonly format: "sentemb-artifact/1";
  readonly meta: Readonly<Record<string, unknown>>;
  readonly sections: ReadonlyArray<SectionEntry>;
}

export type Section = Uint8Array | Uint32Array | Float32Array;

const typeOf = (a: Section): SectionType =>
  a instanceof Float32Array ? "f32" : a instanceof Uint32Array ? "u32" : "u8";

const pad4 = (n: number) => (n + 3) & ~3;

/** Packs named typed arrays and a JSON-able `meta` into one buffer. */
export const encodeContainer = (
  meta: Readonly<Record<string, unknown>>,
  sections: ReadonlyArray<readonly [string, Section]>,
): Uint8Array => {
  let offset = 0;
  const entries: SectionEntry[] = sections.map(([name, a]) => {
    const e = { name, type: typeOf(a), offset, length: a.length };
    offset += pad4(a.byteLength);
    return e;
  });
  const header: ContainerHeader = {
    format: "sentemb-artifact/1",
    meta,
    sections: entries,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = pad4(12 + json.length);
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  sections.forEach(([, a], i) => {
    // Typed arrays are little-endian on every platform Deno runs on.
    out.set(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      start + entries[i].offset,
    );
  });
  return out;
};

export interface DecodedContainer {
  readonly header: ContainerHeader;
  section(name: string): Section | undefined;
}

/** Reads a container; throws a RangeError naming what is malformed. */
export const decodeContainer = (bytes: Uint8Array): DecodedContainer => {
  if (
    bytes.length < 12 ||
    new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC
  ) {
    throw new RangeError(`not a sentemb artifact (magic ${MAGIC} missing)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) {
    throw new RangeError("artifact header runs past the end of the file");
  }
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength)),
  ) as ContainerHeader;
  if (header.format !== "sentemb-artifact/1") {
    throw new RangeError(`unknown artifact format ${String(header.format)}`);
  }
  const start = pad4(12 + jsonLength);
  // Copy once into an aligned buffer so Uint32/Float32 views are legal.
  const payload = bytes.slice(start);
  const width = { u8: 1, u32: 4, f32: 4 } as const;
  for (const e of header.sections) {
    if (e.offset + e.length * width[e.type] > payload.length) {
      throw new RangeError(`artifact section "${e.name}" is truncated`);
    }
  }
  return {
    header,
    section: (name) => {
      const e = header.sections.find((s) => s.name === name);
      if (!e) return undefined;
      const b = payload.buffer;
      return e.type === "f32"
        ? new Float32Array(b, e.offset, e.length)
        : e.type === "u32"
        ? new Uint32Array(b, e.offset, e.length)
        : new Uint8Array(b, e.offset, e.length);
    },
  };
};
