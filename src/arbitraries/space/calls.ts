/**
 * Module calls, generated abstractly (which space, which operation, which key) and resolved against a
 * layout, so that shrinking a layout never strands a call on a space that no longer exists. Keys come
 * from small domains so calls of different threads meet on the same blocks, inodes and names.
 */
import fc from 'fast-check';
import { type Call, type CallOp, type ModuleKind, type SystemLayout } from '../../machine/system.ts';

export const OPS_OF_MODULE: Readonly<Record<ModuleKind, readonly CallOp[]>> = {
  'buffer-cache': ['bc.read', 'bc.write'],
  'inode-cache': ['ic.get', 'ic.set', 'ic.fetch'],
  'name-cache': ['nc.lookup', 'nc.enter', 'nc.remove', 'nc.stat'],
  snapshot: ['snap.read', 'snap.write', 'snap.take'],
};

/** Names of the name cache: short, long (12 bytes, all three name words), with dots and dashes. */
export const NAMES = ['a', 'b', 'ab', 'etc', 'usr.local', 'x-1', 'lib', 'longname.txt'] as const;

export interface CallSpec {
  readonly space: number;
  readonly op: number;
  readonly key: number;
  readonly value: number;
  readonly name: number;
}

export function callSpecArbitrary(): fc.Arbitrary<CallSpec> {
  return fc.record({
    space: fc.nat({ max: 7 }),
    op: fc.nat({ max: 3 }),
    key: fc.nat({ max: 7 }),
    value: fc.oneof(fc.nat({ max: 15 }), fc.nat({ max: 0xfffffff0 })),
    name: fc.nat({ max: NAMES.length - 1 }),
  });
}

function moduleOf(layout: SystemLayout, space: number): ModuleKind {
  return space === 0 ? 'buffer-cache' : layout.spaces[space - 1]!.module;
}

export function resolveCall(layout: SystemLayout, spec: CallSpec): Call {
  const space = spec.space % (layout.spaces.length + 1);
  const ops = OPS_OF_MODULE[moduleOf(layout, space)];
  const op = ops[spec.op % ops.length]!;
  const name = NAMES[spec.name % NAMES.length]!;
  switch (op) {
    case 'bc.read':
      return { op, space, block: spec.key };
    case 'bc.write':
    case 'snap.write':
      return { op, space, block: spec.key, value: spec.value };
    case 'ic.get':
    case 'ic.fetch':
      return { op, space, ino: spec.key };
    case 'ic.set':
      return { op, space, ino: spec.key, size: spec.value };
    case 'nc.lookup':
    case 'nc.remove':
    case 'nc.stat':
      return { op, space, dir: spec.key % 4, name };
    case 'nc.enter':
      return { op, space, dir: spec.key % 4, name, ino: spec.value % 8 };
    case 'snap.take':
      return { op, space };
    case 'snap.read':
      return { op, space, snapshot: spec.key % 4, block: spec.value % 8 };
  }
}
