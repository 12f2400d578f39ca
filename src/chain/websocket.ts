import WebSocket from 'ws';

// Node 22 and later have a WebSocket of their own, and @polkadot/x-ws takes the global one when there is one. Its
// error events carry no cause, and on a refused connection @polkadot/api's provider then spins without ever reporting
// the failure (a `snapshot` against a node that is down hung at 100 % CPU). Imported before @polkadot/api wherever a
// provider is made, so that @polkadot/x-ws finds the `ws` package's WebSocket, the one it was written against.
globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
