/** A typed array an artifact stores as one section. */
export type SectionArray = Float32Array | Uint32Array | Uint8Array;

/**
 * One stage's part of an artifact: small numbers in the header (`meta`),
 * arrays as binary sections. A stage module encodes its fitted state into
 * one and decodes it back; the artifact stores each by the stage's position.
 */
export interface ArtifactSection {
  /** Small numbers, by name. */
  readonly meta: Readonly<Record<string, number>>;
  /** Arrays, by name. */
  readonly arrays: Readonly<Record<string, SectionArray>>;
}

/**
 * Reads a section's array of an expected type and length; throws a
 * RangeError naming what is wrong, so a damaged artifact is refused.
 */
export const sectionArray = <T extends SectionArray>(
  section: ArtifactSection,
  name: string,
  type: new (n: number) => T,
  length?: number,
): T => {
  const a = section.arrays[name];
  if (!(a instanceof type)) {
    throw new RangeError(`artifact section "${name}" is missing`);
  }
  if (length !== undefined && a.length !== length) {
    throw new RangeError(
      `artifact section "${name}" has ${a.length} values, expected ${length}`,
    );
  }
  return a;
};

/** Reads a positive integer from a section's header; throws when absent. */
export const sectionNumber = (
  section: ArtifactSection,
  name: string,
): number => {
  const v = section.meta[name];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`artifact field "${name}" is missing`);
  }
  return v;
};
