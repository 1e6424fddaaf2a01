import { describe, expect, it } from 'vitest';
import { FrameWords } from './frame-words.ts';

const BASE = 0x1_0000_2000;

describe('frame words', () => {
  it('keeps addresses in ascending order through sets and deletes, and finds each word', () => {
    const f = FrameWords.empty();
    for (const [pa, v] of [[BASE + 0x18, 3n], [BASE, 1n], [BASE + 0xff8, 9n], [BASE + 0x8, 2n]] as const) f.set(pa, v);
    expect(f.addresses()).toEqual([BASE, BASE + 0x8, BASE + 0x18, BASE + 0xff8]);
    expect(f.words()).toEqual([1n, 2n, 3n, 9n]);
    f.set(BASE + 0x8, 5n);
    f.delete(BASE + 0x18);
    f.delete(BASE + 0x10);
    expect(f.addresses()).toEqual([BASE, BASE + 0x8, BASE + 0xff8]);
    expect([f.get(BASE + 0x8), f.get(BASE + 0x18), f.get(BASE + 0xff8)]).toEqual([5n, undefined, 9n]);
    expect(f.size).toBe(3);
  });

  it('copies independently, and builds from a map without its zero words', () => {
    const f = FrameWords.of(new Map([[BASE + 0x10, 2n], [BASE, 1n], [BASE + 0x20, 0n]]));
    expect(f.addresses()).toEqual([BASE, BASE + 0x10]);
    const g = f.copy();
    g.set(BASE + 0x8, 7n);
    expect(f.size).toBe(2);
    expect(g.size).toBe(3);
    expect(f.equals(FrameWords.of(new Map([[BASE, 1n], [BASE + 0x10, 2n]])))).toBe(true);
    expect(f.equals(g)).toBe(false);
  });

  it('lists the addresses where two frames differ, absent words being zero', () => {
    const a = FrameWords.of(new Map([[BASE, 1n], [BASE + 0x8, 2n], [BASE + 0x18, 4n]]));
    const b = FrameWords.of(new Map([[BASE + 0x8, 2n], [BASE + 0x10, 3n], [BASE + 0x18, 5n]]));
    const out: number[] = [];
    a.differences(b, out);
    expect(out).toEqual([BASE, BASE + 0x10, BASE + 0x18]);
    const none: number[] = [];
    a.differences(undefined, none);
    expect(none).toEqual([BASE, BASE + 0x8, BASE + 0x18]);
  });
});
