/**
 * The guest's RAM: a sparse file that QEMU maps (memory-backend-file, share=on), that the driver writes
 * before boot and reads after exit. The file is unlinked the moment it is opened: QEMU reaches it through
 * an inherited descriptor (/proc/self/fd/3), the driver through its own, so nothing is left behind whatever
 * happens to either process, interruption and SIGKILL included. Only the pages written cost memory.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { close, closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { findFallocate } from './availability.ts';
import { GUEST_LAYOUT, HIGH_RAM_BASE, HIGH_RAM_TOP, RAM_BYTES, ramFileOffset } from './guest-abi.ts';
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { isGuestRegion } from './relocation.ts';

/** Name prefix of the (short-lived) file, so tests can check that none is left over. */
export const RAM_FILE_PREFIX = 'xlatcheck-qemu-';

/** tmpfs, where an unlinked sparse file costs nothing but its written pages. */
export function ramDirectory(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

export class RamFile {
  private closed = false;

  private constructor(readonly fd: number) {}

  /** A zero-filled RAM of RAM_BYTES with no name in the file system. */
  static create(directory = ramDirectory()): RamFile {
    const path = join(directory, `${RAM_FILE_PREFIX}${process.pid}-${threadId}-${randomUUID()}`);
    const fd = openSync(path, 'wx+', 0o600);
    try {
      unlinkSync(path);
      ftruncateSync(fd, RAM_BYTES);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new RamFile(fd);
  }

  /** Writes bytes at a guest-physical address (the range must not cross the 3 GiB hole). */
  write(pa: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, ramFileOffset(pa) + done);
  }

  read(pa: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, ramFileOffset(pa) + done);
      if (n === 0) break;
      done += n;
    }
    return buffer;
  }

  /** `count` 32-bit little-endian words from a guest-physical address (the host is little-endian too). */
  readWords(pa: number, count: number): Uint32Array {
    const words = new Uint32Array(count);
    const bytes = new Uint8Array(words.buffer);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, ramFileOffset(pa) + done);
      if (n === 0) break;
      done += n;
    }
    return words;
  }

  /** Bytes of the file that hold pages (tmpfs counts only the pages written or read so far). */
  allocatedBytes(): number {
    return fstatSync(this.fd).blocks * 512;
  }

  /**
   * Frees every page of the file outside the guest's own regions (they read as zero again), with
   * util-linux's fallocate on a copy of the driver's descriptor; resolves whether it did. Only for a RAM
   * whose traces all finished: their pages are zero then, so this changes no byte any trace can see, and
   * the guest's code, tables and staging area stay where they are.
   */
  freeTracePages(): Promise<boolean> {
    const fallocate = findFallocate();
    if (fallocate === null || this.closed) return Promise.resolve(false);
    const args = traceRanges().flatMap(([offset, bytes]) => [String(offset), String(bytes)]);
    const script = 'f=$1; shift; while [ $# -gt 0 ]; do "$f" --punch-hole --offset "$1" --length "$2" /dev/fd/3 || exit 1; shift 2; done';
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', script, 'sh', fallocate, ...args], { stdio: ['ignore', 'ignore', 'ignore', this.fd] });
      child.once('error', () => resolve(false));
      child.once('close', (status) => resolve(status === 0));
    });
  }

  /**
   * Closes the driver's descriptor. The last close of the unlinked file frees every page it holds, which
   * takes milliseconds for a batch's worth of pages: it runs on libuv's thread pool, not the main thread.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    close(this.fd, () => {});
  }
}

/** [file offset, bytes] of the RAM outside the guest's regions, in ascending order, computed once. */
let ranges: [number, number][] | null = null;

function traceRanges(): readonly [number, number][] {
  if (ranges !== null) return ranges;
  const found: [number, number][] = [];
  const add = (pa: number): void => {
    const offset = ramFileOffset(pa);
    const last = found[found.length - 1];
    if (last !== undefined && last[0] + last[1] === offset) last[1] += PAGE_2M;
    else found.push([offset, PAGE_2M]);
  };
  for (let pa = 0; pa < GUEST_LAYOUT.LOW_RAM_TOP; pa += PAGE_2M) if (!isGuestRegion(pa / PAGE_2M)) add(pa);
  for (let pa = HIGH_RAM_BASE; pa < HIGH_RAM_TOP; pa += PAGE_2M) if (!isGuestRegion(pa / PAGE_2M)) add(pa);
  ranges = found;
  return found;
}
