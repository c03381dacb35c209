import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers of every response: no caching of data, no framing, no sniffing, no referrer. */
export const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/**
 * Sends a JSON response.
 *
 * ## Example
 * ```ts
 * sendJson(res, 200, model.snapshot());
 * ```
 * @param res The response.
 * @param status The HTTP status.
 * @param body Any JSON value.
 * @param headers More headers.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Sends an error as `{ error, issues? }`.
 *
 * ## Example
 * ```ts
 * refuse(res, 401, 'missing or wrong token');
 * ```
 * @param res The response.
 * @param status The HTTP status.
 * @param error One line.
 * @param issues Details (validation problems).
 */
export function refuse(
  res: ServerResponse,
  status: number,
  error: string,
  issues?: ReadonlyArray<string>,
): void {
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  sendJson(res, status, { error, ...(issues === undefined ? {} : { issues }) }, headers);
}

/**
 * Why {@link readJsonBody} could not read a body: the HTTP status to answer and one line.
 *
 * ## Example
 * ```ts
 * const failure: BodyFailure = { status: 413, error: 'body larger than 262144 bytes' };
 * ```
 */
export interface BodyFailure {
  /** 400, 413 or 415. */
  readonly status: number;
  /** What is wrong. */
  readonly error: string;
}

/**
 * Reads a JSON request body of at most `limit` bytes. Resolves with the value, or with a
 * {@link BodyFailure} (wrong content type, too large, not JSON); never rejects.
 *
 * ## Example
 * ```ts
 * const body = await readJsonBody(req, 65536);
 * ```
 * @param req The request.
 * @param limit The largest body accepted, in bytes.
 */
export function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ ok: true; value: unknown } | ({ ok: false } & BodyFailure)> {
  return new Promise((resolve) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      return resolve({ ok: false, status: 415, error: 'Content-Type must be application/json' });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return resolve({ ok: false, status: 413, error: `body larger than ${limit} bytes` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve({ ok: false, status: 413, error: `body larger than ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, error: 'the request was cut short' });
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        resolve({ ok: false, status: 400, error: 'the body is not JSON' });
      }
    });
  });
}
