/** One step into a JSON value: a property name or an array index. */
export type JsonStep = string | number;

export type JsonPathParse = { ok: true; steps: JsonStep[] } | { ok: false; message: string };

const NAME = /^[A-Za-z_$][\w$-]*/;

/**
 * The small JSONPath subset a price answer needs: `bittensor.usd`, `$.data[0].price`, `prices["tao-usd"]`.
 * Dots between names, `[n]` for array items, quoted names in brackets for keys with other characters.
 */
export function parseJsonPath(text: string): JsonPathParse {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const steps: JsonStep[] = [];
  const fail = (why: string): JsonPathParse => ({ ok: false, message: `"${text}" is not a JSON path: ${why}` });
  let first = true;
  while (rest !== '') {
    if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(["'])((?:(?!\1).)*)\1\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        rest = rest.slice(index[0].length);
      } else if (quoted) {
        steps.push(quoted[2]!);
        rest = rest.slice(quoted[0].length);
      } else {
        return fail(`expected [number] or ["name"] at "${rest}"`);
      }
    } else {
      if (rest.startsWith('.')) rest = rest.slice(1);
      else if (!first) return fail(`expected . or [ at "${rest}"`);
      const name = NAME.exec(rest);
      if (!name) return fail(`expected a name at "${rest || 'the end'}"`);
      steps.push(name[0]);
      rest = rest.slice(name[0].length);
    }
    first = false;
  }
  if (steps.length === 0) return fail('it names nothing');
  return { ok: true, steps };
}

/** The value at `steps` inside `value`, or undefined where the path leads nowhere. */
export function valueAt(value: unknown, steps: readonly JsonStep[]): unknown {
  let at = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}
