/**
 * Why a {@link ListenError}: the port is taken (`in-use`), not permitted (`access`),
 * the host address does not exist on this machine (`address`), or something else (`other`).
 * @category Errors
 */
export type ListenErrorReason = 'in-use' | 'access' | 'address' | 'other';

/**
 * The inbound server could not bind (or failed after binding).
 *
 * ## Example
 * ```ts
 * listen({ port: 5000 }).subscribe({ error: (e) => e instanceof ListenError && console.error(e.message) });
 * ```
 * @category Errors
 */
export class ListenError extends Error {
  /** Always `'ListenError'`. */
  override readonly name = 'ListenError';
  /**
   * @param host The address that was to be bound.
   * @param port The port that was to be bound.
   * @param reason Why it failed.
   * @param code The system error code, e.g. `EADDRINUSE`.
   * @param systemError The system error, kept as the ES2022 `cause`.
   */
  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: ListenErrorReason,
    readonly code: string | undefined,
    systemError?: unknown,
  ) {
    super(
      `cannot listen on ${host}:${port}: ${describeListen(reason, code)}`,
      systemError === undefined ? undefined : { cause: systemError },
    );
  }
}

function describeListen(cause: ListenErrorReason, code: string | undefined): string {
  switch (cause) {
    case 'in-use':
      return 'port already in use (EADDRINUSE); stop the other listener or choose another port';
    case 'access':
      return 'permission denied (EACCES); ports below 1024 need privileges';
    case 'address':
      return 'address not available on this machine (EADDRNOTAVAIL)';
    default:
      return code ?? 'unknown error';
  }
}

/**
 * Maps a system error code to a {@link ListenErrorReason}.
 *
 * ## Example
 * ```ts
 * listenCause('EADDRINUSE'); // 'in-use'
 * ```
 * @param code The `code` of a Node.js system error.
 * @category Transport
 */
export function listenCause(code: string | undefined): ListenErrorReason {
  if (code === 'EADDRINUSE') return 'in-use';
  if (code === 'EACCES' || code === 'EPERM') return 'access';
  if (code === 'EADDRNOTAVAIL') return 'address';
  return 'other';
}

/**
 * Why a {@link SendError}: connection `refused`, `timeout` (connect or hand-over),
 * `reset` by the peer, host name not resolved (`dns`), network or host `unreachable`, `other`.
 * @category Errors
 */
export type SendErrorReason = 'refused' | 'timeout' | 'reset' | 'dns' | 'unreachable' | 'other';

/**
 * A request could not be handed over to a unit.
 *
 * ## Example
 * ```ts
 * send('127.0.0.2', me).subscribe({ error: (e) => e instanceof SendError && console.error(e.reason) });
 * ```
 * @category Errors
 */
export class SendError extends Error {
  /** Always `'SendError'`. */
  override readonly name = 'SendError';
  /**
   * @param host The unit's address.
   * @param port The unit's port.
   * @param reason Why it failed.
   * @param code The system error code, if any, e.g. `ECONNREFUSED`.
   * @param detail A human-readable detail.
   * @param systemError The system error, if any, kept as the ES2022 `cause`.
   */
  constructor(
    readonly host: string,
    readonly port: number,
    readonly reason: SendErrorReason,
    readonly code: string | undefined,
    detail: string,
    systemError?: unknown,
  ) {
    super(
      `cannot send to ${host}:${port}: ${detail}`,
      systemError === undefined ? undefined : { cause: systemError },
    );
  }
}

/**
 * Maps a system error code to a {@link SendErrorReason}.
 *
 * ## Example
 * ```ts
 * sendCause('ECONNREFUSED'); // 'refused'
 * ```
 * @param code The `code` of a Node.js system error.
 * @category Transport
 */
export function sendCause(code: string | undefined): SendErrorReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    default:
      return 'other';
  }
}
