import type { RejectReason } from '../protocol/inbound';

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
