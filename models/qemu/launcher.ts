/**
 * Starts QEMU processes through the launcher (launcher-main.mjs), a small Node process of this thread's,
 * rather than from this process. fork() costs in proportion to the memory of the process that forks: a
 * driver holding a few hundred MB paid 5 to 10 ms of CPU per QEMU, and afterwards a copy-on-write fault
 * for every page it wrote again (the young generation alone is thousands of pages), every time a resident
 * QEMU was retired. The launcher is started once per thread, holds almost nothing, and dies with the
 * thread (setpriv --pdeathsig, or its IPC channel closing); the QEMUs die with it (qemu-process.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findSetpriv } from './availability.ts';
import { type GroupLeader, killGroup } from './child-registry.ts';

const LAUNCHER_MAIN = fileURLToPath(new URL('./launcher-main.mjs', import.meta.url));

export interface Ended {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What a launched process reports; `ended` comes once, after its last stderr text. */
export interface LaunchEvents {
  stderr(text: string): void;
  ended(how: Ended, error?: string): void;
}

/** A process the launcher started (in a process group of its own): its pid once the launcher has said it. */
export class Launched implements GroupLeader {
  pid: number | undefined = undefined;
  done = false;
  /** A kill asked for before the pid was known: done when it comes. */
  private killed = false;
  constructor(
    readonly events: LaunchEvents,
    /** Keeps the launcher's channel referenced while someone waits on the process (see Launcher.hold). */
    readonly hold: (busy: boolean) => void,
  ) {}

  started(pid: number): void {
    this.pid = pid;
    if (this.killed) this.kill();
  }

  kill(): void {
    this.killed = true;
    if (this.pid !== undefined && !this.done) killGroup(this.pid);
  }
}

type Message = { id: number; pid?: number; stderr?: string; error?: string; status?: number | null; signal?: NodeJS.Signals | null };

class Launcher {
  private readonly child: ChildProcess;
  private readonly running = new Map<number, Launched>();
  private nextId = 0;
  /** Launched processes a caller waits on: while there are any, the launcher keeps the event loop alive. */
  private holds = 0;

  constructor() {
    const setpriv = findSetpriv();
    const command = [process.execPath, LAUNCHER_MAIN];
    const [file, ...args] = setpriv === null ? command : [setpriv, '--pdeathsig', 'KILL', ...command];
    this.child = spawn(file as string, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    this.child.on('message', (m: Message) => this.receive(m));
    this.child.once('exit', () => this.lost());
    this.child.once('error', () => this.lost());
    this.hold(0);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.connected;
  }

  launch(command: string, args: readonly string[], events: LaunchEvents): Launched {
    const launched = new Launched(events, (busy) => this.hold(busy ? 1 : -1));
    const id = this.nextId++;
    this.running.set(id, launched);
    // A launcher that went away meanwhile: the process was never started, which is said like a failed start.
    this.child.send({ id, command, args }, (error: Error | null) => {
      if (error !== null) this.end(id, { status: null, signal: null }, error.message);
    });
    return launched;
  }

  /** +1 while a caller waits on one of its processes, -1 when it stops waiting. */
  private hold(delta: number): void {
    this.holds += delta;
    const handles = [this.child, this.child.channel] as ({ ref?: () => void; unref?: () => void } | null | undefined)[];
    for (const h of handles) this.holds > 0 ? h?.ref?.() : h?.unref?.();
  }

  private receive(m: Message): void {
    const launched = this.running.get(m.id);
    if (launched === undefined) return;
    if (m.pid !== undefined) launched.started(m.pid);
    if (m.stderr !== undefined) launched.events.stderr(m.stderr);
    if (m.error !== undefined) this.end(m.id, { status: null, signal: null }, m.error);
    else if (m.status !== undefined || m.signal !== undefined) this.end(m.id, { status: m.status ?? null, signal: m.signal ?? null });
  }

  private end(id: number, how: Ended, error?: string): void {
    const launched = this.running.get(id);
    if (launched === undefined) return;
    this.running.delete(id);
    launched.done = true;
    launched.events.ended(how, error);
  }

  /** The launcher is gone: what it ran is gone too (it kills its processes, or they die with it). */
  private lost(): void {
    if (current === this) current = null;
    for (const id of [...this.running.keys()]) this.end(id, { status: null, signal: 'SIGKILL' }, 'the QEMU launcher exited');
  }
}

let current: Launcher | null = null;

/** The launcher of this thread, started on first use (and again if it died). */
export function launcher(): Pick<Launcher, 'launch'> {
  if (current === null || !current.alive) current = new Launcher();
  return current;
}

