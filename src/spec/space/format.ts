/**
 * Readable numbers for scripts and explanations: addresses in hex (physical ones may exceed 2^32, so no
 * bit operators), sizes in KiB / MiB / GiB.
 */

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

export function bytes(n: number): string {
  const units: readonly [number, string][] = [
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ];
  for (const [unit, name] of units) if (n >= unit && n % unit === 0) return `${n / unit} ${name}`;
  return `${n} B`;
}

export function range(base: number, size: number): string {
  return `[${hex(base)}, ${hex(base + size)})`;
}
