import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { interval, map, merge, Subscription } from 'rxjs';
import { channels } from '../diagnostics';
import { ListenError, listenCause } from '../transport';
import type { Asset } from './assets';
import { allowedHost, hasToken, sameOrigin } from './auth';
import { readJsonBody, refuse as answerRefusal, SECURITY_HEADERS, sendJson } from './http';
import type { ConsoleModel } from './model';
import type { Job } from './types';
import { checkCommandRequest, checkLogFilter, checkSequenceRequest, REQUEST_LIMITS } from './requests';
import { openEventStream, type EventStream } from './sse';

/** Time between keep-alive comments on an event stream. */
const PING_MS = 15_000;

/**
 * What {@link serveConsole} needs.
 *
 * ## Example
 * ```ts
 * serveConsole({ model, assets: loadAssets(), token: newToken(), host: '127.0.0.1', port: 0 });
 * ```
 */
export interface ServeOptions {
  /** The console's state and actions. */
  readonly model: ConsoleModel;
  /** The page's files, by URL path. */
  readonly assets: ReadonlyMap<string, Asset>;
  /** The token every API request must carry. */
  readonly token: string;
  /** The address to bind. */
  readonly host: string;
  /** The port to bind (0: any free port). */
  readonly port: number;
}

/**
 * A running console HTTP server.
 *
 * ## Example
 * ```ts
 * const server = await serveConsole(options);
 * console.log(server.address.port);
 * await server.close();
 * ```
 */
export interface ServedConsole {
  /** Where it listens. */
  readonly address: AddressInfo;
  /** Ends every event stream and closes the server. */
  close(): Promise<void>;
}

/**
 * Serves the console over `node:http`:
 * - `GET /` and the page's files: public (they hold no data);
 * - `GET /api/state`: the snapshot as JSON;
 * - `GET /api/stream?types=&unit=`: server-sent events: `snapshot`, then `unit`, `job`, `stats`,
 *   `figures` and the event log filtered with `ofType` / `fromNode` (`log`);
 * - `POST /api/command` `{ units, command }`, `POST /api/sequence` and `POST /api/shoot` `{ units, preset | csv }`:
 *   start a job, answer `202 { job }`.
 *
 * Every `/api/` request needs the token: `Authorization: Bearer <token>`, or `?token=` on the
 * two `GET`s (`EventSource` cannot send headers). No CORS headers are ever sent, a `POST` must
 * be `application/json` from the same origin, and on a loopback address the `Host` must be a
 * loopback name (no DNS rebinding).
 *
 * ## Example
 * ```ts
 * const server = await serveConsole({ model, assets, token, host: '127.0.0.1', port: 0 });
 * ```
 * @param options Model, page, token, address.
 * @throws ListenError when the address cannot be bound.
 */
export function serveConsole(options: ServeOptions): Promise<ServedConsole> {
  const { model, assets, token } = options;
  const streams = new Set<{ stream: EventStream; subscription: Subscription }>();
  /** Refuses a request, and says so on the `pycom-rx:console` channel (path only: no token). */
  /** Answers `status` with `error` (and `issues`), and says why on the `pycom-rx:console` channel (`reason`, when it differs). */
  const refuse = (
    res: http.ServerResponse,
    status: number,
    error: string,
    issues?: ReadonlyArray<string>,
    reason: string = issues === undefined ? error : `${error}: ${issues.join('; ')}`,
  ) => {
    const req = res.req;
    if (channels.console.hasSubscribers)
      channels.console.publish({
        kind: 'refused',
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
        status,
        reason,
      });
    answerRefusal(res, status, error, issues);
  };
  const started = (job: Job, units: number) => {
    if (channels.console.hasSubscribers)
      channels.console.publish({ kind: 'job', id: job.id, job: job.kind, title: job.title, units });
    return { job };
  };

  const openStream = (res: http.ServerResponse, url: URL) => {
    const filter = checkLogFilter(url.searchParams);
    if (!filter.ok) return refuse(res, 400, 'invalid filter', filter.issues);
    const stream = openEventStream(res);
    const subscription = new Subscription();
    const entry = { stream, subscription };
    streams.add(entry);
    const end = () => {
      subscription.unsubscribe();
      streams.delete(entry);
      stream.close();
    };
    res.on('close', end);
    stream.send('snapshot', model.snapshot());
    subscription.add(
      merge(
        model.changes$.pipe(map((c) => [c.kind, c] as const)),
        model.log.read(filter.value).pipe(map((e) => ['log', e] as const)),
      ).subscribe({
        next: ([event, data]) => {
          // an event that cannot be sent ends this stream, never the server
          let sent: boolean;
          try {
            sent = stream.send(event, data);
          } catch {
            sent = false;
          }
          if (!sent) end();
        },
        error: end,
        complete: end,
      }),
    );
    subscription.add(interval(PING_MS).subscribe(() => stream.ping()));
  };

  const startJob = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: 'command' | 'sequence' | 'shoot',
  ) => {
    if (!sameOrigin(req)) return refuse(res, 403, 'cross-origin request');
    const body = await readJsonBody(req, REQUEST_LIMITS.bodyBytes);
    if (!body.ok) return refuse(res, body.status, body.error);
    const find = (address: string) => model.unit(address);
    if (kind === 'command') {
      const request = checkCommandRequest(body.value, find);
      if (!request.ok) return refuse(res, 400, 'invalid command request', request.issues);
      const { units, command } = request.value;
      return sendJson(res, 202, started(model.startCommand(units, command), units.length));
    }
    const request = checkSequenceRequest(body.value, find);
    if (!request.ok) return refuse(res, 400, 'invalid sequence request', request.issues);
    const { units, sequence, title } = request.value;
    const job =
      kind === 'shoot'
        ? model.startShoot(units, sequence, title)
        : model.startSequence(units, sequence, title);
    sendJson(res, 202, started(job, units.length));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void> => {
    if (!allowedHost(req.headers.host, options.host)) return refuse(res, 403, 'unexpected Host header');
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const route = `${req.method ?? ''} ${url.pathname}`;
    if (!url.pathname.startsWith('/api/')) {
      const asset = req.method === 'GET' || req.method === 'HEAD' ? assets.get(url.pathname) : undefined;
      if (asset === undefined) return refuse(res, req.method === 'GET' ? 404 : 405, 'not found');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': asset.type,
        'Content-Length': asset.body.length,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const isGet = req.method === 'GET';
    if (!hasToken(req, url, token, isGet)) return refuse(res, 401, 'missing or wrong token');
    switch (route) {
      case 'GET /api/state':
        return sendJson(res, 200, model.snapshot());
      case 'GET /api/stream':
        return openStream(res, url);
      case 'POST /api/command':
        return startJob(req, res, 'command');
      case 'POST /api/sequence':
        return startJob(req, res, 'sequence');
      case 'POST /api/shoot':
        return startJob(req, res, 'shoot');
      default:
        return refuse(res, 404, 'not found');
    }
  };

  /**
   * The last guard: whatever a handler throws, or rejects with, answers this one request `500`
   * (or ends it, when its headers are gone) and says why on the `pycom-rx:console` channel; it
   * never reaches the process (an uncaught exception, or an unhandled rejection, would end it).
   */
  const fail = (res: http.ServerResponse, e: unknown) => {
    try {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // the details stay on this side: the message of an unexpected error may quote the request
      const detail = e instanceof Error ? `${e.name}: ${e.message}` : typeof e;
      refuse(res, 500, 'internal error', undefined, `internal error: ${detail}`);
    } catch {
      res.destroy();
    }
  };
  const server = http.createServer((req, res) => {
    try {
      const pending = handle(req, res);
      if (pending instanceof Promise) pending.catch((e: unknown) => fail(res, e));
    } catch (e) {
      fail(res, e);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  return new Promise<ServedConsole>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ListenError(options.host, options.port, listenCause(e.code), e.code, e)),
    );
    server.listen({ host: options.host, port: options.port }, () => {
      const address = server.address() as AddressInfo;
      resolve({
        address,
        close: () =>
          new Promise<void>((done) => {
            for (const { stream, subscription } of streams) {
              subscription.unsubscribe();
              stream.close();
            }
            streams.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
