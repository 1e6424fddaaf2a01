/**
 * The sightings of a machine's known deviations in a campaign: counted per bucket, with only each bucket's
 * best finding kept (the representative rule of bucket.ts). The kept one is the best of every sighting,
 * whichever order the workers reported them in, so the files left in the folder do not depend on it.
 */
import { type BucketMember, memberOf, precedes } from '../findings/bucket.ts';
import type { StoredFinding } from '../findings/store.ts';

/** What a finding does to the findings folder: a file to save, one to remove (by id). */
export interface FileChange {
  readonly save: StoredFinding | null;
  readonly remove: string | null;
}

export const NO_CHANGE: FileChange = { save: null, remove: null };

export class KnownSightings {
  /** Per bucket signature; a bucket seen only in replays that did not count holds 0. */
  readonly counts = new Map<string, number>();
  private readonly kept = new Map<string, { readonly stored: StoredFinding; readonly member: BucketMember }>();

  /** Counts a sighting (when `counted`) and says which file to save or remove. */
  sight(stored: StoredFinding, counted: boolean): FileChange {
    const signature = stored.finding.bucket;
    this.counts.set(signature, (this.counts.get(signature) ?? 0) + (counted ? 1 : 0));
    const member = memberOf(stored);
    const kept = this.kept.get(signature);
    if (kept === undefined || precedes(member, kept.member)) {
      this.kept.set(signature, { stored, member });
      return { save: stored, remove: kept?.stored.id ?? null };
    }
    // Not kept, not saved. Its file can exist only if an earlier campaign in this folder left it (a replay
    // that reproduced): removing it leaves the bucket's best alone whatever order the sightings came in.
    return kept.stored.id === stored.id ? NO_CHANGE : { save: null, remove: stored.id };
  }
}
