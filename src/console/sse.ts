import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './http';

/** A reader that has this many bytes waiting to be sent is too slow: it is disconnected. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * One open server-sent event stream.
 *
 * ## Example
 * ```ts
 * const stream = openEventStream(res);
 * stream.send('snapshot', model.snapshot());
 * ```
 */
export interface EventStream {
  /** Sends one event (`event:` name, `data:` JSON). Returns `false` once the stream is closed. */
  send(event: string, data: unknown): boolean;
  /** Sends a comment line, which keeps proxies and the connection awake. */
  ping(): void;
  /** Ends the stream. */
  close(): void;
}

/**
 * Starts a `text/event-stream` response: headers, the client's reconnection delay, and a writer
 * that drops a reader which does not keep up (more than 4 MiB waiting).
 *
 * ## Example
 * ```ts
 * const stream = openEventStream(res);
 * stream.send('log', entry);
 * ```
 * @param res The response.
 * @param retryMs How long the browser waits before reconnecting.
 */
export function openEventStream(res: ServerResponse, retryMs = 1000): EventStream {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: ${retryMs}\n\n`);
  let open = true;
  const write = (text: string): boolean => {
    if (!open || res.destroyed) return (open = false);
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      open = false;
      res.destroy();
      return false;
    }
    res.write(text);
    return true;
  };
  return {
    send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    ping: () => void write(': ping\n\n'),
    close: () => {
      if (!open) return;
      open = false;
      res.end();
    },
  };
}
