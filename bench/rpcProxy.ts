import { WebSocket, WebSocketServer } from 'ws';

/**
 * A WebSocket relay in front of a node (the simulator or chopsticks) that counts the JSON-RPC requests ValTrac sends
 * and the time the node takes to answer them, so a row can say how much of a wall time was the node's and how much
 * ValTrac's own: `busyMs` is the time during which at least one request was waiting for its answer.
 */
export class RpcProxy {
  requests = 0;
  private outstanding = 0;
  private busySince = 0;
  private busyTotal = 0;

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static start(upstream: string): Promise<RpcProxy> {
    return new Promise((resolve) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 256 * 1024 * 1024 });
      server.once('listening', () => {
        const { port } = server.address() as { port: number };
        const proxy = new RpcProxy(server, `ws://127.0.0.1:${port}`);
        server.on('connection', (client) => proxy.relay(client, upstream));
        resolve(proxy);
      });
    });
  }

  /** The node's busy time so far (ms), counting a request still waiting up to now. */
  get busyMs(): number {
    return this.busyTotal + (this.outstanding > 0 ? performance.now() - this.busySince : 0);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: WebSocket, upstream: string): void {
    const node = new WebSocket(upstream, { maxPayload: 256 * 1024 * 1024 });
    const pending: string[] = [];
    const waiting = new Set<unknown>();
    const started = () => {
      if (this.outstanding++ === 0) this.busySince = performance.now();
    };
    const answered = () => {
      if (--this.outstanding === 0) this.busyTotal += performance.now() - this.busySince;
    };
    client.on('message', (data) => {
      const text = data.toString();
      const id = (JSON.parse(text) as { id?: unknown }).id;
      this.requests++;
      if (id !== undefined && id !== null) {
        waiting.add(id);
        started();
      }
      if (node.readyState === WebSocket.OPEN) node.send(text);
      else pending.push(text);
    });
    node.on('open', () => pending.splice(0).forEach((text) => node.send(text)));
    node.on('message', (data) => {
      const text = data.toString();
      const id = (JSON.parse(text) as { id?: unknown }).id;
      if (id !== undefined && waiting.delete(id)) answered();
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    const end = () => {
      for (const _ of waiting) answered();
      waiting.clear();
      client.close();
      node.close();
    };
    client.on('close', end);
    node.on('close', end);
    client.on('error', end);
    node.on('error', end);
  }
}
