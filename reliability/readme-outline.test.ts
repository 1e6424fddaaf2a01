/**
 * The README is the manual: a careless edit once deleted four of its sections (a replacement anchored on
 * "## Speed" also matched "### Speed"). Its outline is pinned here, so a section can only go away on
 * purpose, and none is left as a bare heading.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const OUTLINE = [
  '# xlatcheck',
  '## Quick start',
  '## How it works',
  '### The walk-level specification',
  '### The machine contract',
  '## Campaigns',
  '## Property families',
  '## QEMU as a machine under test',
  '## Variants after the related patents',
  "### Seeded faults in the variants' own structures",
  "### The shared TLB's sharing rule",
  '### A third page size: 32-bit paging with PSE and PSE-36',
  '### Two-stage traces',
  '### Speed',
  '## The multi-space system and the seed claims',
  '## Mutation testing',
  '## Guarantees',
  '### How each promise is checked',
  '### What is not promised',
  '## Determinism',
  '## Speed',
];

/** Headings outside code blocks, and the number of non-blank lines under each. */
function outline(text: string): { heading: string; lines: number }[] {
  const sections: { heading: string; lines: number }[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && /^#{1,3} /.test(line)) sections.push({ heading: line.trim(), lines: 0 });
    else if (line.trim() !== '' && sections.length > 0) (sections[sections.length - 1] as { lines: number }).lines++;
  }
  return sections;
}

describe('the README', () => {
  const sections = outline(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));

  it('keeps its outline', () => {
    expect(sections.map((s) => s.heading)).toEqual(OUTLINE);
  });

  it('has text under every heading', () => {
    expect(sections.filter((s) => s.lines < 2).map((s) => s.heading)).toEqual([]);
  });
});
