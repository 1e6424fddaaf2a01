/**
 * Refreshes the checked-in guest: abi.inc from guest-abi.ts, guest.bin from guest.asm. Run it after editing
 * either (`npx tsx models/qemu/guest/build.ts`); properties/qemu-guest.test.ts fails until it has run.
 */
import { writeFileSync } from 'node:fs';
import { renderAbiInclude } from '../guest-abi.ts';
import { ABI_INCLUDE, assembleGuest, GUEST_BINARY } from './assemble.ts';

writeFileSync(ABI_INCLUDE, renderAbiInclude());
const image = assembleGuest();
writeFileSync(GUEST_BINARY, image);
console.log(`guest.bin: ${image.length} bytes`);
