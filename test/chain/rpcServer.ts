import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A JSON-RPC error as a substrate node sends it. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export interface Subscription {
  readonly id: string;
  readonly closed: boolean;
  send(result: unknown): void;
  /** Ends the subscription from the server side (e.g. after a final extrinsic status). */
  close(): void;
}

export type Handler = (params: unknown[]) => unknown;
/** Starts a subscription; may return a cleanup run when it ends. Throwing an RpcError refuses it. */
export type SubscribeHandler = (params: unknown[], sub: Subscription) => (() => void) | void;

interface SubState extends Subscription { cleanup?: () => void; }

function subscriptionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** JSON-RPC 2.0 over WebSocket with substrate-style pub/sub (`{subscription, result}` notifications). */
export class RpcServer {
  private readonly handlers = new Map<string, Handler>();
  private readonly subscribeHandlers = new Map<string, { notification: string; handler: SubscribeHandler }>();
  private readonly unsubscribeMethods = new Set<string>();
  private readonly subsBySocket = new Map<WebSocket, Map<string, SubState>>();
  /** JSON-RPC requests received so far (each call or subscribe counts once), so a bench can count what a client asks. */
  requestCount = 0;
  /**
   * Requests the simulator failed on (not a node-style RpcError): bugs of the test chain, which a client's fallback
   * (e.g. from get_delegate to storage) would otherwise hide. Tests assert this stays empty.
   */
  readonly internalErrors: string[] = [];

  private constructor(private readonly wss: WebSocketServer, readonly url: string) {
    wss.on('connection', (ws) => this.accept(ws));
  }

  /** `port` 0 (default) picks a free one; a fixed port lets a restarted node keep its URL. */
  static listen(port = 0): Promise<RpcServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 64 * 1024 * 1024 });
      wss.once('error', reject);
      wss.once('listening', () => {
        const { port } = wss.address() as AddressInfo;
        resolve(new RpcServer(wss, `ws://127.0.0.1:${port}`));
      });
    });
  }

  method(name: string, handler: Handler): void {
    this.handlers.set(name, handler);
  }

  subscription(subscribe: string, notification: string, unsubscribe: string, handler: SubscribeHandler): void {
    this.subscribeHandlers.set(subscribe, { notification, handler });
    this.unsubscribeMethods.add(unsubscribe);
  }

  methodNames(): string[] {
    return [...this.handlers.keys(), ...this.subscribeHandlers.keys(), ...this.unsubscribeMethods].sort();
  }

  /** Cuts every client off (fault injection); the server keeps listening so clients can reconnect. */
  dropConnections(): void {
    for (const ws of this.subsBySocket.keys()) ws.terminate();
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const subs = new Map<string, SubState>();
    this.subsBySocket.set(ws, subs);
    ws.on('message', (data) => this.onMessage(ws, subs, data.toString()));
    ws.on('close', () => {
      for (const sub of subs.values()) sub.close();
      this.subsBySocket.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  private onMessage(ws: WebSocket, subs: Map<string, SubState>, text: string): void {
    let request: { id?: unknown; method?: unknown; params?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      this.reply(ws, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    this.requestCount++;
    const id = request.id ?? null;
    const method = typeof request.method === 'string' ? request.method : '';
    const params = Array.isArray(request.params) ? request.params : [];
    try {
      const result = this.dispatch(ws, subs, method, params);
      this.reply(ws, { jsonrpc: '2.0', id, result: result === undefined ? null : result });
    } catch (e) {
      const error = e instanceof RpcError
        ? { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) }
        : { code: -32603, message: `Internal error: ${(e as Error).message}` };
      if (!(e instanceof RpcError)) this.internalErrors.push(`${method}: ${(e as Error).message}`);
      this.reply(ws, { jsonrpc: '2.0', id, error });
    }
  }

  private dispatch(ws: WebSocket, subs: Map<string, SubState>, method: string, params: unknown[]): unknown {
    const handler = this.handlers.get(method);
    if (handler) return handler(params);
    const sub = this.subscribeHandlers.get(method);
    if (sub) return this.startSubscription(ws, subs, sub.notification, sub.handler, params);
    if (this.unsubscribeMethods.has(method)) {
      const existing = subs.get(String(params[0]));
      if (!existing) return false;
      existing.close();
      return true;
    }
    throw new RpcError(-32601, 'Method not found');
  }

  private startSubscription(ws: WebSocket, subs: Map<string, SubState>, notification: string, handler: SubscribeHandler, params: unknown[]): string {
    const id = subscriptionId();
    const state: SubState = {
      id,
      closed: false,
      send: (result) => {
        if (state.closed) return;
        // Notifications must follow the reply carrying the id: defer past the synchronous reply.
        setImmediate(() => this.reply(ws, { jsonrpc: '2.0', method: notification, params: { subscription: id, result } }));
      },
      close: () => {
        if (state.closed) return;
        (state as { closed: boolean }).closed = true;
        subs.delete(id);
        state.cleanup?.();
      },
    };
    subs.set(id, state);
    let cleanup: (() => void) | void;
    try {
      cleanup = handler(params, state);
    } catch (e) {
      subs.delete(id);
      throw e;
    }
    if (cleanup) state.cleanup = cleanup;
    return id;
  }

  private reply(ws: WebSocket, message: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }
}
