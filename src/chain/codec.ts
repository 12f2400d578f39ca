import type { Codec } from '@polkadot/types/types';

/**
 * Narrow readers for metadata-typed values: subtensor's storage is not in @polkadot/api's generated types,
 * so values arrive as plain Codecs. Each reader fails loudly if the shape is not what the metadata promised.
 */
export function big(value: unknown): bigint {
  const n = value as { toBigInt?: () => bigint; unwrap?: () => unknown };
  if (typeof n?.toBigInt === 'function') return n.toBigInt();
  if (typeof n?.unwrap === 'function') return big(n.unwrap());
  throw new Error(`expected an integer, got ${describe(value)}`);
}

export function field(value: unknown, name: string): Codec {
  const struct = value as { get?: (k: string) => Codec | undefined };
  const result = typeof struct?.get === 'function' ? struct.get(name) : undefined;
  if (result === undefined) throw new Error(`expected a struct with field ${name}, got ${describe(value)}`);
  return result;
}

export function str(value: unknown): string {
  return (value as Codec).toString();
}

/** True when a ValueQuery storage read returned the default because the key is absent. */
export function absent(value: Codec): boolean {
  return value.isStorageFallback === true;
}

function describe(value: unknown): string {
  const c = value as Codec | undefined;
  return c && typeof c.toRawType === 'function' ? c.toRawType() : typeof value;
}
