import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a local server (Azurite) that can cut connections the way a flaky network does: when a
 * connection sends more than `resetAfterBytes` without hearing back (one large request body, e.g. a file upload),
 * both sides are reset (TCP RST). Small requests pass, so the small files of an upload land and the large ones
 * fail at every try. TLS passes through untouched (the proxy only counts bytes).
 */
export interface ResetProxy {
  readonly port: number;
  /** Cut connections that send more than this many bytes before an answer; Infinity passes everything. */
  resetAfterBytes: number;
  /** How many connections were reset so far. */
  readonly resets: number;
  close(): Promise<void>;
}

export async function startResetProxy(target: { host: string; port: number }): Promise<ResetProxy> {
  const sockets = new Set<Socket>();
  let resets = 0;
  const proxy: { resetAfterBytes: number } = { resetAfterBytes: Infinity };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let unanswered = 0;
    const cut = () => {
      resets++;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    client.on('data', (chunk: Buffer) => {
      unanswered += chunk.length;
      if (unanswered > proxy.resetAfterBytes) cut();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      unanswered = 0;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The reset proxy has no port');
  return {
    port: address.port,
    get resetAfterBytes() {
      return proxy.resetAfterBytes;
    },
    set resetAfterBytes(bytes: number) {
      proxy.resetAfterBytes = bytes;
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
