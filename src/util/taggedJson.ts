/** JSON with bigints and dates tagged (`{"$bigint": "12"}`, `{"$date": "..."}`), so values replay exactly. */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    return v;
  });
}

export function decodeTagged(line: string): unknown {
  return JSON.parse(line, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.$bigint === 'string' && Object.keys(value).length === 1) return BigInt(value.$bigint);
      if (typeof value.$date === 'string' && Object.keys(value).length === 1) return new Date(value.$date);
    }
    return value;
  });
}
