/**
 * The two channels of a resident QEMU (qemu-process.ts): QMP, through which the driver wakes the guest
 * with an NMI, and the debug console (port 0xe9), on which the guest says a batch is done. QEMU connects
 * to both at start-up, by abstract socket names (Linux: nothing in the file system to clean up), so that
 * whoever starts QEMU (launcher.ts) has no part in them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { threadId } from 'node:worker_threads';

type Handle = { ref(): unknown; unref(): unknown };

export class ResidentChannels {
  /** QEMU's arguments that connect it to the channels. */
  readonly arguments: readonly string[];
  /** "Batch done" bytes received so far. */
  doneBytes = 0;
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];
  private qmp: Socket | null = null;
  /** QMP commands written before QEMU connected. */
  private pending: string[] = [];
  private busy = false;

  constructor(onDone: () => void) {
    const name = `xlatcheck-qemu-${process.pid}-${threadId}-${randomUUID()}`;
    // Node binds abstract names padded to the full address length: QEMU must not trim them (tight=off).
    const path = (channel: string): string => `socket,id=${channel},path=${name}-${channel},abstract=on,tight=off`;
    this.arguments = ['-chardev', path('qmp'), '-mon', 'chardev=qmp,mode=control', '-chardev', path('done'), '-device', 'isa-debugcon,iobase=0xe9,chardev=done'];
    this.listen(`${name}-qmp`, (socket) => {
      socket.resume(); // QMP's greeting and replies: nothing to read in them
      this.qmp = socket;
      for (const command of this.pending) socket.write(command);
      this.pending = [];
    });
    this.listen(`${name}-done`, (socket) =>
      socket.on('data', (bytes: Buffer) => {
        this.doneBytes += bytes.length;
        onDone();
      }),
    );
    this.send('{"execute":"qmp_capabilities"}\n');
  }

  /** Writes a QMP command (a line of JSON), or keeps it for when QEMU connects. */
  send(command: string): void {
    if (this.qmp === null) this.pending.push(command);
    else this.qmp.write(command);
  }

  /** While busy, the channels keep the event loop alive (a batch is waited for). */
  hold(busy: boolean): void {
    this.busy = busy;
    for (const h of [...this.servers, ...this.sockets] as Handle[]) busy ? h.ref() : h.unref();
  }

  close(): void {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  /** One connection, QEMU's, on an abstract socket; the name is given up once it is made. */
  private listen(name: string, connected: (socket: Socket) => void): void {
    const server = createServer((socket) => {
      server.close();
      socket.on('error', () => {}); // QEMU gone: its exit says why
      this.sockets.push(socket);
      if (!this.busy) socket.unref();
      connected(socket);
    });
    server.on('error', () => {}); // the name could not be taken: QEMU fails to connect and says so
    server.listen(`\0${name}`);
    if (!this.busy) server.unref();
    this.servers.push(server);
  }
}
