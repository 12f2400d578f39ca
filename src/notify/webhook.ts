import { setTimeout as sleep } from 'node:timers/promises';
import { out } from '../util/output.js';

export interface DeliveryPolicy {
  /** Each attempt's limit. */
  timeoutMs: number;
  /** The waits before the 2nd, 3rd, ... attempt; after the last one the message is given up. */
  retryDelaysMs: readonly number[];
  /** The longest a server's Retry-After is honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  timeoutMs: 5_000,
  retryDelaysMs: [1_000, 5_000, 15_000, 60_000, 300_000],
  maxRetryAfterMs: 300_000,
};

/** Discord reads `content` (at most 2,000 characters), Slack reads `text`; each ignores the other's field. */
export function webhookBody(text: string): string {
  const short = text.length > 1_900 ? `${text.slice(0, 1_899)}…` : text;
  return JSON.stringify({ content: short, text: short, username: 'ValTrac' });
}

type Attempt = { done: true } | { done: false; retry: boolean; why: string; retryAfterMs?: number };

/**
 * A Discord- or Slack-compatible incoming webhook. `send` returns at once: delivery, with its retries and back-off,
 * runs on its own, and never throws into the caller. A short-lived command awaits `settled` with a limit before it
 * exits; a long-running one simply carries on. The URL carries the webhook's token, so messages name its host only.
 */
export class Webhook {
  private readonly inFlight = new Set<Promise<void>>();
  readonly host: string;

  constructor(
    private readonly url: URL,
    private readonly log: (line: string) => void = out.problem,
    private readonly policy: DeliveryPolicy = DEFAULT_POLICY,
  ) {
    this.host = url.host;
  }

  send(text: string): Promise<void> {
    const delivery = this.deliver(text).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
    return delivery;
  }

  /** Resolves when every message sent so far is delivered or given up, or after `limitMs`, whichever is first. */
  async settled(limitMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    // Kept referenced: a retry's wait is not, and with nothing else left the process would end mid-await (exit 13).
    const controller = new AbortController();
    const limit = sleep(limitMs, false, { signal: controller.signal }).catch(() => false);
    const done = await Promise.race([Promise.all([...this.inFlight]).then(() => true), limit]);
    controller.abort();
    return done;
  }

  pending(): number {
    return this.inFlight.size;
  }

  private async deliver(text: string): Promise<void> {
    const body = webhookBody(text);
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(body);
      if (result.done) return;
      const delay = this.policy.retryDelaysMs[attempt];
      if (!result.retry || delay === undefined) {
        this.log(`webhook ${this.host}: notification not delivered (${result.why}); given up after ${attempt + 1} attempt(s)`);
        return;
      }
      const wait = Math.max(delay, Math.min(result.retryAfterMs ?? 0, this.policy.maxRetryAfterMs));
      this.log(`webhook ${this.host}: ${result.why}; retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait, undefined, { ref: false });
    }
  }

  private async attempt(body: string): Promise<Attempt> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { done: true };
      const why = `it answered HTTP ${response.status}`;
      if (response.status === 429) return { done: false, retry: true, why, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
      // Other 4xx: the URL or the message is wrong, and sending it again will not change that.
      return { done: false, retry: response.status >= 500 || response.status === 408, why };
    } catch (error) {
      const name = (error as Error).name;
      const why = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.policy.timeoutMs / 1000} s` : `cannot be reached (${causeOf(error)})`;
      return { done: false, retry: true, why };
    }
  }
}

/** Retry-After in seconds (Discord and Slack send seconds; an HTTP date is honoured too). */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Why a request failed, with any URL in the text cut to its host: fetch's messages quote the whole URL. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = cause?.code ?? cause?.message ?? (error as Error).message;
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s]*/gi, (url) => {
    try {
      return new URL(url).host;
    } catch {
      return '(a URL)';
    }
  });
}
