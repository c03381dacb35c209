import type * as net from 'node:net';
import type { PoolMember } from './connectionPool';
import { JsonEndScanner } from './jsonEnd';
import type { RejectReason, Remote } from './listenPayloads';

/**
 * How one inbound connection ended: its complete payload, or why there is none.
 * @category Transport
 */
export type ConnectionOutcome =
  | { readonly kind: 'payload'; readonly bytes: Buffer }
  | {
      readonly kind: 'rejected';
      readonly reason: RejectReason;
      readonly message: string;
      /** The start of what arrived (at most 400 bytes). */
      readonly head: Buffer;
      readonly bytes: number;
    };

/**
 * The limits of one {@link InboundConnection}.
 * @category Transport
 */
export interface ConnectionLimits {
  readonly maxPayloadBytes: number;
  readonly idleTimeoutMs: number;
  readonly payloadTimeoutMs: number;
  readonly completeOnJson: boolean;
}

const HEAD_BYTES = 400;

/**
 * One inbound connection of the listener, from accept to its single outcome: waits (unread)
 * until the pool gives it a slot, then reads its payload with the size, idle and overall limits,
 * finding the end of a JSON object incrementally for peers that do not half-close.
 *
 * `onOutcome` is called exactly once. For a payload, it returns whether the payload was taken:
 * taken, the connection is closed normally (the sender sees its request delivered); not taken,
 * or for any rejection, it is reset, so that the sender sees an error and never a clean close.
 * @category Transport
 */
export class InboundConnection implements PoolMember {
  readonly address: string;
  bytes = 0;
  private readonly chunks: Buffer[] = [];
  private readonly scanner: JsonEndScanner | undefined;
  private readonly deadline: ReturnType<typeof setTimeout>;
  private done = false;

  constructor(
    private readonly socket: net.Socket,
    readonly remote: Remote,
    private readonly limits: ConnectionLimits,
    private readonly onOutcome: (outcome: ConnectionOutcome) => boolean,
    private readonly onDone: (connection: InboundConnection) => void,
  ) {
    this.address = remote.address;
    this.scanner = limits.completeOnJson ? new JsonEndScanner() : undefined;
    // the overall deadline runs from accept, waiting time included
    this.deadline = setTimeout(
      () => this.reject('too-slow', `payload not complete within ${limits.payloadTimeoutMs} ms`),
      limits.payloadTimeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.reject('reset', `connection aborted by the peer (${err.code ?? err.message})`, false),
    );
    socket.on('close', () => this.reject('reset', 'connection closed before the payload ended', false));
  }

  /** The pool gave it a slot: start reading. */
  activate(): void {
    if (this.done) return;
    const { socket, limits } = this;
    socket.setTimeout(limits.idleTimeoutMs, () =>
      this.reject('idle-timeout', `no data for ${limits.idleTimeoutMs} ms`),
    );
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.complete());
    socket.resume();
  }

  /** The pool takes its slot or place away. */
  drop(reason: 'evicted' | 'too-many-connections', message: string): void {
    this.finish({ kind: 'rejected', reason, message, head: this.head(), bytes: this.bytes }, true);
  }

  /** The listener stops: close without reporting. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    this.reset();
  }

  private receive(chunk: Buffer): void {
    if (this.done) return;
    const before = this.bytes;
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxPayloadBytes) {
      if (before < HEAD_BYTES) this.chunks.push(chunk.subarray(0, HEAD_BYTES - before));
      this.reject('too-large', `payload larger than ${this.limits.maxPayloadBytes} bytes`);
      return;
    }
    this.chunks.push(chunk);
    if (this.scanner !== undefined && this.scanner.feed(chunk) !== -1) this.complete();
  }

  private complete(): void {
    if (this.done) return;
    const { chunks, bytes } = this;
    const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
    this.finish({ kind: 'payload', bytes: payload }, false);
  }

  private reject(reason: RejectReason, message: string, reset = true): void {
    this.finish({ kind: 'rejected', reason, message, head: this.head(), bytes: this.bytes }, reset);
  }

  private head(): Buffer {
    const { chunks } = this;
    if (chunks.length === 0) return Buffer.alloc(0);
    const first = chunks[0]!;
    if (first.length >= HEAD_BYTES || chunks.length === 1) return first.subarray(0, HEAD_BYTES);
    return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
  }

  private finish(outcome: ConnectionOutcome, reset: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    this.socket.setTimeout(0);
    this.onDone(this);
    if (outcome.kind === 'payload') {
      // hand the payload over first, then close: the event reaches the application sooner
      const taken = this.onOutcome(outcome);
      if (taken) this.socket.destroy();
      else this.reset();
      return;
    }
    if (reset) this.reset();
    else this.socket.destroy();
    this.onOutcome(outcome);
  }

  /** Closes with a RST, so that the peer sees an error rather than a clean close. */
  private reset(): void {
    const { socket } = this;
    if (socket.destroyed) return;
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
}
