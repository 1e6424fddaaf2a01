// The launcher (launcher.ts): a small Node process that starts QEMU processes for the driver, so that the
// driver's own large process is never forked. Messages over the IPC channel:
//   driver -> launcher  { id, command, args }      start a process (a process group of its own)
//   launcher -> driver  { id, pid }                 it started
//                       { id, stderr }              text it wrote to stderr
//                       { id, error }               it could not be started (then a close follows)
//                       { id, status, signal }      it ended (after its last stderr text)
// When the driver goes (the channel closes), every process started here is killed and the launcher exits.
import { spawn } from 'node:child_process';

const children = new Map();

// A send can still fail after `connected` said yes: the driver's end closed first (its thread ended). With
// a callback the failure comes here, not as an uncaught 'error' (a stack trace on the user's terminal); the
// 'disconnect' that follows cleans up.
const ignore = () => {};
const tell = (message) => {
  if (process.connected) process.send(message, ignore);
};

process.on('message', ({ id, command, args }) => {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  children.set(id, child);
  if (child.pid !== undefined) tell({ id, pid: child.pid });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => tell({ id, stderr: text }));
  child.once('error', (error) => tell({ id, error: error.message }));
  child.once('close', (status, signal) => {
    children.delete(id);
    tell({ id, status, signal });
  });
});

process.on('disconnect', () => {
  for (const child of children.values()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  process.exit(0);
});
