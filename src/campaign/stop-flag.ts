/**
 * A flag shared by the campaign and its worker threads through shared memory. A worker deep in a
 * synchronous machine run cannot read messages, but it can read this: when the budget is spent or the
 * user interrupts, shrinking stops at the next evaluation and the finding so far is reported.
 */
export class StopFlag {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  raise(): void {
    Atomics.store(this.cell, 0, 1);
  }

  get raised(): boolean {
    return Atomics.load(this.cell, 0) === 1;
  }
}
