import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: Received, response: ServerResponse, index: number) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 (a free port), recording every request it receives; `handler` answers it. */
export class LocalHttpServer {
  readonly received: Received[] = [];
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private handler: Handler,
  ) {}

  static async start(handler: Handler): Promise<LocalHttpServer> {
    let self: LocalHttpServer | null = null;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        self!.received.push(request);
        self!.open.add(res);
        res.on('close', () => self!.open.delete(res));
        void Promise.resolve(self!.handler(request, res, self!.received.length - 1)).catch((error: unknown) => {
          res.statusCode = 599;
          res.end(String(error));
        });
      });
    });
    self = new LocalHttpServer(server, handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  answerWith(handler: Handler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL on a port nobody listens on (taken from a server that was started and closed): connections are refused. */
export async function downUrl(path = '/'): Promise<string> {
  const server = await LocalHttpServer.start((_, res) => void res.end());
  const url = server.url(path);
  await server.close();
  return url;
}

/** Answers JSON the way the price source or webhook would. */
export function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}
