/**
 * The guest's RAM: a sparse file that QEMU maps (memory-backend-file, share=on), that the driver writes
 * before boot and reads after exit. The file is unlinked the moment it is opened: QEMU opens it through the
 * driver's descriptor (/proc/PID/fd/N, qemu-process.ts), which the driver keeps open while QEMU may run, so
 * nothing is left behind whatever happens to either process, interruption and SIGKILL included. Only the
 * pages written cost memory.
 */
import { randomUUID } from 'node:crypto';
import { close, closeSync, existsSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { RAM_BYTES, ramFileOffset } from './guest-abi.ts';

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
