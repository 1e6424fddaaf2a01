/**
 * A finding: one failure of one property on one machine, as a plain JSON file that replays without the
 * generator that produced it (the shrunk case is stored, not only its seed). Findings are named by a hash
 * of their content and grouped into buckets by signature, so one bug found by many seeds is one bucket.
 */
export const FINDING_FORMAT = 'xlatcheck-finding';
export const FINDING_VERSION = 1;

/** The machine as the user named it (`spec`, a built-in name or a ./module path) and as it names itself. */
export interface FindingMachine {
  readonly spec: string;
  readonly name: string;
}

/**
 * Where the case came from: run `index` of the campaign with seed `campaignSeed`, whose fast-check seed was
 * `seed`; `path` is fast-check's shrink path (`{ seed, path }` regenerates the case with the generator of
 * the time). A case that was never shrunk has an empty path.
 */
export interface FindingRun {
  readonly campaignSeed: number;
  readonly index: number;
  readonly seed: number;
  readonly path: string;
}

/**
 * Why shrinking stopped early, if it did; `not-shrunk` for cases that could not be re-run (timeouts), and
 * `known-deviation` for a machine's documented deviation: its list holds a shrunk example already, and
 * shrinking each sighting again (one QEMU boot per candidate) slowed a campaign to a few cases a second.
 */
export type ShrinkCut = 'evaluations' | 'time' | 'stopped' | 'not-shrunk' | 'known-deviation';

export interface ShrinkRecord {
  readonly evaluations: number;
  readonly cut: ShrinkCut | null;
}

export interface StoredDivergence {
  readonly kind: string;
  /** The family's signature: the first diverging observation, without addresses. */
  readonly signature: string;
  readonly explanation: string;
  /** The family's details, as plain JSON (bigints as hex text). */
  readonly details: unknown;
}

/**
 * What the machine observed beside what the specification expected, at the first diverging step, and the
 * walks the specification took there. Empty for divergences that are not about one step.
 */
export interface Comparison {
  readonly step: number | null;
  readonly stepText: string | null;
  readonly observed: unknown;
  readonly observedText: string | null;
  readonly expected: readonly unknown[];
  readonly expectedText: readonly string[];
  readonly walks: readonly string[];
}

/** A generated case, or an older finding re-run on this campaign's machine (`of` is its id). */
export type FindingOrigin = { readonly kind: 'generated' } | { readonly kind: 'replayed'; readonly of: string };

export interface Finding {
  readonly format: typeof FINDING_FORMAT;
  readonly version: typeof FINDING_VERSION;
  readonly property: string;
  readonly machine: FindingMachine;
  readonly origin: FindingOrigin;
  readonly run: FindingRun;
  readonly shrink: ShrinkRecord;
  /** The bucket: property and first diverging observation. */
  readonly bucket: string;
  readonly divergence: StoredDivergence;
  readonly comparison: Comparison;
  /** The shrunk case, as the family's toJson gives it. */
  readonly case: unknown;
  /** The shrunk case as the family's format renders it, for people reading the file. */
  readonly readable: string;
}

export function bucketOf(property: string, signature: string): string {
  return `${property}: ${signature}`;
}
