/**
 * The checked-in guest is what its source assembles to: guest.bin from guest.asm, abi.inc from
 * guest-abi.ts (refresh both with `npx tsx models/qemu/guest/build.ts`). Needs nasm.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAbiInclude } from '../models/qemu/guest-abi.ts';
import { ABI_INCLUDE, assembleGuest, GUEST_BINARY, nasmUnavailable } from '../models/qemu/guest/assemble.ts';

const missing = nasmUnavailable();
if (missing !== null) console.log(`qemu guest build check skipped: ${missing}`);

describe('qemu guest', () => {
  it('abi.inc is rendered from guest-abi.ts', () => {
    expect(readFileSync(ABI_INCLUDE, 'utf8')).toBe(renderAbiInclude());
  });

  it.skipIf(missing !== null)(`guest.bin is what nasm makes of guest.asm${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
    expect(Buffer.compare(assembleGuest(), readFileSync(GUEST_BINARY))).toBe(0);
  });
});
