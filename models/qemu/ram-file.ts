/**
 * The guest's RAM: a sparse file that QEMU maps (memory-backend-file, share=on), that the driver writes
 * before boot and reads after exit. The file is unlinked the moment it is opened: QEMU reaches it through
 * an inherited descriptor (/proc/self/fd/3), the driver through its own, so nothing is left behind whatever
 * happens to either process, interruption and SIGKILL included. Only the pages written cost memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { close, closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
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
   * the guest's code, tables and staging area stay where they are. A shell started at the first call
   * runs fallocate for every call after it: starting a process from the driver costs the driver's thread
   * milliseconds (it forks a large process), starting one from a small shell does not.
   */
  freeTracePages(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.freer ??= Freer.start(this.fd);
    return this.freer?.free() ?? Promise.resolve(false);
  }

  private freer: Freer | null | undefined;

  /**
   * Closes the driver's descriptor. The last close of the unlinked file frees every page it holds, which
   * takes milliseconds for a batch's worth of pages: it runs on libuv's thread pool, not the main thread.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.freer?.stop();
    close(this.fd, () => {});
  }
}

/**
 * The shell that frees a RAM file's trace pages: one line in, fallocate over every range, one line out
 * ("ok" or "failed"). It holds the file as fd 3 and ends when its input closes, so it never outlives the
 * driver. It keeps the event loop alive only while a call waits for its answer.
 */
class Freer {
  private readonly waiting: ((done: boolean) => void)[] = [];
  private dead = false;

  private constructor(private readonly child: ChildProcess) {
    const out = child.stdout as Readable;
    out.setEncoding('utf8');
    let pending = '';
    out.on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        this.waiting.shift()?.(line === 'ok');
      }
      this.hold();
    });
    const fail = (): void => {
      this.dead = true;
      for (const resolve of this.waiting.splice(0)) resolve(false);
      this.hold();
    };
    child.once('error', fail);
    child.once('close', fail);
    child.stdin?.on('error', () => {}); // the shell gone: its close says so
    this.hold();
  }

  /** The shell for the file at `fd`, or null without fallocate. */
  static start(fd: number): Freer | null {
    const fallocate = findFallocate();
    if (fallocate === null) return null;
    const args = traceRanges().flatMap(([offset, bytes]) => [String(offset), String(bytes)]);
    const script = [
      'f=$1; shift',
      'while read -r _; do',
      '  s=ok; o=',
      '  for a in "$@"; do',
      '    if [ -z "$o" ]; then o=$a; else "$f" --punch-hole --offset "$o" --length "$a" /dev/fd/3 || s=failed; o=; fi',
      '  done',
      '  echo "$s"',
      'done',
    ].join('\n');
    return new Freer(spawn('/bin/sh', ['-c', script, 'sh', fallocate, ...args], { stdio: ['pipe', 'pipe', 'ignore', fd] }));
  }

  free(): Promise<boolean> {
    if (this.dead) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.hold();
      this.child.stdin?.write('free\n');
    });
  }

  stop(): void {
    this.dead = true;
    this.child.stdin?.end();
  }

  private hold(): void {
    const busy = this.waiting.length > 0;
    const handles = [this.child, this.child.stdin, this.child.stdout] as ({ ref?: () => void; unref?: () => void } | null)[];
    for (const h of handles) busy ? h?.ref?.() : h?.unref?.();
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
