/**
 * The QEMU benchmark in a process of its own, so that it runs under the V8 flags xlatcheck runs with
 * (shipped-process.ts); prints its figures as one JSON line.
 */
import { qemuBenchmarks } from './qemu.ts';

process.stdout.write(`${JSON.stringify(await qemuBenchmarks())}\n`);
