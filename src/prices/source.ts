import { parseJsonPath, valueAt, type JsonStep } from '../domain/jsonPath.js';
import { httpUrl } from '../domain/settings.js';
import { parseScaled9 } from '../domain/tao.js';
import type { Settings } from '../domain/types.js';
import { plainDecimal } from '../workbook/cells.js';
import { out } from '../util/output.js';

/** Settings' price source, checked: where to ask and where the price is in the answer. */
export interface PriceSource {
  url: URL;
  steps: JsonStep[];
  /** How the source is named in messages: its host only (a URL may carry an API key in its query). */
  name: string;
}

/** The price source the Settings name, or null while it is off (either cell empty) or not valid (check reports it). */
export function priceSource(settings: Pick<Settings, 'priceUrl' | 'pricePath'>): PriceSource | null {
  if (settings.priceUrl === null || settings.pricePath === null) return null;
  const url = httpUrl(settings.priceUrl);
  const path = parseJsonPath(settings.pricePath);
  if (url === null || !path.ok) return null;
  return { url, steps: path.steps, name: url.host };
}

export type PriceAnswer = { ok: true; usdPrice: bigint } | { ok: false; why: string };

/** A USD per TAO price as exact decimal digits scaled by 10^9 (digits beyond the ninth dropped), from a JSON value. */
export function readPrice(value: unknown): PriceAnswer {
  const text = typeof value === 'number' && Number.isFinite(value) ? plainDecimal(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null) return { ok: false, why: `the value at the path is ${value === undefined ? 'missing' : JSON.stringify(value)}, not a number` };
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  const price = match ? parseScaled9(`${match[1]}.${(match[2] ?? '').slice(0, 9)}`) : null;
  if (price === null || price <= 0n) return { ok: false, why: `"${text.slice(0, 40)}" is not a positive price` };
  return { ok: true, usdPrice: price };
}

/** The most a price answer may be: a price is a few bytes, so anything larger is not one. */
const MAX_BODY = 1 << 20;

/** Asks the source once; every failure (down, slow, garbage, wrong path) is an answer, never a thrown error. */
export async function askPrice(source: PriceSource, timeoutMs: number): Promise<PriceAnswer> {
  let body: string;
  try {
    const response = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) return { ok: false, why: `it answered HTTP ${response.status}` };
    body = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    return { ok: false, why: name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : `it cannot be reached (${causeOf(error)})` };
  }
  if (body.length > MAX_BODY) return { ok: false, why: 'its answer is too large to be a price' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, why: 'its answer is not JSON' };
  }
  return readPrice(valueAt(json, source.steps));
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export const PRICE_TIMEOUT_MS = 5_000;

/**
 * The TAO/USD price for the payout `confirm` is making, or null: off, down, slow or garbage. It never rejects, so a
 * payout never waits on it beyond the timeout nor fails because of it; a missing price is said once.
 */
export async function priceAtConfirm(
  settings: Pick<Settings, 'priceUrl' | 'pricePath'>,
  warn: (line: string) => void = out.problem,
  timeoutMs = PRICE_TIMEOUT_MS,
): Promise<bigint | null> {
  const source = priceSource(settings);
  if (!source) return null;
  const answer = await askPrice(source, timeoutMs);
  if (answer.ok) return answer.usdPrice;
  warn(`USD price not recorded: the price source ${source.name} ${answer.why}; the payout goes on without it.`);
  return null;
}
