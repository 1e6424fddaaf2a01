/**
 * Whether QEMU can run here, and if not, the one line that says how to make it run.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const QEMU_INSTALL_HINT = 'apt-get install -y --no-install-recommends qemu-system-x86';

/**
 * Debian's /usr/bin/qemu-system-i386 is a shell wrapper around /usr/libexec/qemu-system-i386 (QEMU.md);
 * the binary itself saves a shell per boot. XLATCHECK_QEMU names another binary.
 */
const CANDIDATES = ['/usr/libexec/qemu-system-i386'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

/** The qemu-system-i386 binary to run, or null. */
export function findQemu(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CANDIDATES): string | null {
  const chosen = env.XLATCHECK_QEMU;
  if (chosen !== undefined && chosen !== '') return executable(chosen) ? chosen : null;
  return candidates.find(executable) ?? onPath('qemu-system-i386', env);
}

/** Null when QEMU is available; otherwise the reason, with the command that installs it. */
export function qemuUnavailableReason(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CANDIDATES): string | null {
  if (findQemu(env, candidates) !== null) return null;
  const named = env.XLATCHECK_QEMU;
  if (named !== undefined && named !== '') return `XLATCHECK_QEMU=${named} is not an executable file`;
  return `qemu-system-i386 is not installed (${QEMU_INSTALL_HINT})`;
}

/** coreutils' timeout, used as a backstop that kills a QEMU whose parent died without killing it. */
export function findTimeout(env: NodeJS.ProcessEnv = process.env): string | null {
  return executable('/usr/bin/timeout') ? '/usr/bin/timeout' : onPath('timeout', env);
}

/**
 * util-linux's setpriv, which starts a command with a parent-death signal: a QEMU started through it is
 * killed when the thread that started it ends, a worker thread that was terminated included.
 */
export function findSetpriv(env: NodeJS.ProcessEnv = process.env): string | null {
  return executable('/usr/bin/setpriv') ? '/usr/bin/setpriv' : onPath('setpriv', env);
}
