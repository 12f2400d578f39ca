import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';

export const CHROMIUM = process.env.VALTRAC_CHROMIUM ?? '/usr/bin/chromium';

export interface PageResult<T> {
  value: T;
  screenshot: Buffer;
}

async function waitForPort(dir: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chromium exited with ${child.exitCode}`);
    const text = await readFile(path.join(dir, 'DevToolsActivePort'), 'utf8').catch(() => '');
    const port = Number(text.split('\n')[0]);
    if (port > 0) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('chromium did not open its DevTools port');
}

/**
 * Opens a file in headless Chromium, waits for its load event (images included), evaluates `expression` in the page
 * and takes a full-page screenshot, over the DevTools protocol. The browser runs in its own process group and profile.
 */
export async function inspectPage<T>(file: string, expression: string, width = 1200): Promise<PageResult<T>> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'valtrac-chromium-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1',
      `--user-data-dir=${profile}`, `--window-size=${width},900`, 'about:blank',
    ],
    { detached: true, stdio: 'ignore' },
  );
  try {
    const port = await waitForPort(profile, child, 30_000);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium has no page target');
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let nextId = 1;
    const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
    const events: { method: string }[] = [];
    const listeners: ((method: string) => void)[] = [];
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.id && pending.has(msg.id)) {
        const p = pending.get(msg.id)!;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
        else p.resolve(msg.result);
      } else if (msg.method) {
        events.push(msg);
        for (const l of listeners) l(msg.method);
      }
    });
    const send = (method: string, params: object = {}): Promise<any> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    const loaded = new Promise<void>((resolve) => listeners.push((m) => m === 'Page.loadEventFired' && resolve()));
    await send('Page.enable');
    await send('Page.navigate', { url: pathToFileURL(file).href });
    await loaded;
    const result = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const metrics = await send('Page.getLayoutMetrics');
    const height = Math.ceil(metrics.cssContentSize?.height ?? metrics.contentSize.height);
    await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    ws.close();
    return { value: result.result.value as T, screenshot: Buffer.from(shot.data, 'base64') };
  } finally {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    await rm(profile, { recursive: true, force: true });
  }
}
