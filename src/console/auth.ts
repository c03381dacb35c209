import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';

/**
 * A new console token: 192 random bits, URL-safe base64 (32 characters).
 *
 * ## Example
 * ```ts
 * const token = newToken(); // e.g. 'q3Xv...'
 * ```
 */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether a request carries the console's token: `Authorization: Bearer <token>`, or, where
 * `inQuery` is allowed (the event stream, which `EventSource` opens without headers), a `token`
 * query parameter. Compared in constant time.
 *
 * ## Example
 * ```ts
 * if (!hasToken(req, url, token, false)) return refuse(res, 401);
 * ```
 * @param req The request.
 * @param url Its parsed URL.
 * @param token The console's token.
 * @param inQuery Whether `?token=` is accepted.
 */
export function hasToken(req: IncomingMessage, url: URL, token: string, inQuery: boolean): boolean {
  const header = /^Bearer ([\w-]{1,200})$/.exec(req.headers.authorization ?? '')?.[1];
  const given = header ?? (inQuery ? url.searchParams.get('token') : null);
  if (given === null || given === undefined) return false;
  return timingSafeEqual(digest(given), digest(token));
}

/** Whether `hostname` (of a Host header) names this machine's loopback directly. */
const isLoopbackName = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || (net.isIPv4(hostname) && hostname.startsWith('127.'));

/**
 * Whether a request's `Host` header is acceptable. When the server binds a loopback address,
 * only `localhost` and loopback IP literals are: a page of another site whose name was made to
 * resolve to 127.0.0.1 (DNS rebinding) is refused before the token is even looked at. On other
 * addresses every name is accepted (the token still guards everything).
 *
 * ## Example
 * ```ts
 * allowedHost('127.0.0.1:8080', '127.0.0.1'); // true
 * allowedHost('evil.example:8080', '127.0.0.1'); // false
 * ```
 * @param hostHeader The `Host` header.
 * @param boundHost The address the server listens on.
 */
export function allowedHost(hostHeader: string | undefined, boundHost: string): boolean {
  if (hostHeader === undefined) return false;
  const bound = boundHost.replace(/^::ffff:/, '');
  const loopbackOnly =
    bound === '::1' || bound === 'localhost' || (net.isIPv4(bound) && bound.startsWith('127.'));
  if (!loopbackOnly) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  return isLoopbackName(hostname);
}

/**
 * Whether a state-changing request comes from the console's own page: no `Origin` header (not a
 * browser), or one equal to `http://<Host>`.
 *
 * ## Example
 * ```ts
 * if (!sameOrigin(req)) return refuse(res, 403, 'cross-origin request');
 * ```
 * @param req The request.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
}
