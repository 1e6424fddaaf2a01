/**
 * Issue drafts: one per finding bucket, for the nightly workflow to open or update. Each body carries a
 * hidden marker with a hash of the bucket signature, so the workflow finds the issue of a bucket again,
 * the replay command, and the representative finding itself so it can be replayed from the issue alone.
 */
import { shortHash } from '../findings/finding-id.ts';
import { bucketCounts } from './bucket-counts.ts';
import type { CampaignReport } from './campaign-report.ts';
import type { FindingLookup } from './html.ts';
import { replayCommand } from './replay-command.ts';

export interface IssueDraft {
  /** Stable across nightly runs: a hash of the bucket signature. */
  readonly key: string;
  readonly marker: string;
  readonly title: string;
  readonly body: string;
}

/** GitHub rejects bodies over 65,536 characters; the finding is the part that gives way. */
const MAX_FINDING_TEXT = 50_000;
const MAX_TITLE = 200;

export function bucketMarker(key: string): string {
  return `xlatcheck-bucket:${key}`;
}

export function issueDrafts(report: CampaignReport, dir: string, lookup: FindingLookup, context: string | null): IssueDraft[] {
  const c = report.configuration;
  return report.buckets.map((b) => {
    const key = shortHash(b.signature);
    const finding = lookup(b.representative);
    const json = finding === null ? null : JSON.stringify(finding, null, 2);
    const findingBlock =
      json === null
        ? '_The finding file was not in the merged folder._'
        : json.length > MAX_FINDING_TEXT
          ? `_The finding is ${json.length} characters long; it is in the run's artifact._`
          : `<details><summary>${b.representative}.json (save it and replay it)</summary>\n\n\`\`\`json\n${json}\n\`\`\`\n</details>`;
    const title = `xlatcheck: ${b.signature}`;
    const body = [
      `<!-- ${bucketMarker(key)} -->`,
      `**${b.property}** found a divergence on machine \`${c.machine.spec}\` (campaign seed ${c.seed}): ${bucketCounts(b)} in this bucket.`,
      ...(context === null ? [] : ['', context]),
      '',
      'Replay the representative finding:',
      '```sh',
      replayCommand(dir, b.representative),
      '```',
      '',
      ...(finding === null ? [] : ['```', finding.divergence.explanation, '```', '']),
      findingBlock,
      '',
      `<sub>${bucketMarker(key)}: xlatcheck's nightly workflow updates this issue when the bucket is found again.</sub>`,
    ].join('\n');
    return { key, marker: bucketMarker(key), title: title.length > MAX_TITLE ? title.slice(0, MAX_TITLE - 1) + '…' : title, body };
  });
}
