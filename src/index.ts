/**
 * pycom-rx: an RxJS client for pycom, the service on LightArray4 (LA4) light arrays.
 *
 * What an application composes, and nothing else:
 * - protocol: io-ts codecs of every request and event (types derived from them),
 *   `decodeEvent`, `decodeRequest`, `encodeRequest`, `encodeEvent`; what the listener emits,
 *   `Received` events (the event plus `remote` and `receivedAt`) and `Rejected` payloads, with
 *   `isReceived` / `isRejected`;
 * - transport: `listen()` (inbound items), `send()` (one request, one connection),
 *   `tcpTransport`;
 * - operators: `ofType`, `fromNode`, `awaitOutput`, `toBoardioResult`, `parseBoardioMessage`,
 *   `queueByUnit`;
 * - the coordinator, wired from those operators: `createCoordinator`, `discover`, and the
 *   tagged-command helpers `tagCommand` / `readTrailer` / `untagOutput` for hand-built pipelines;
 * - the codecs of a sequence and of a row, `Sequence` and `Row` (types and io-ts values);
 * - the errors, one class each.
 *
 * Sequences are on `pycom-rx/sequence`, the simulated unit on `pycom-rx/simulator`, the testing
 * kit on `pycom-rx/testing`.
 *
 * @packageDocumentation
 * @module pycom-rx
 */
export {
  Identity,
  Heartbeat,
  Command,
  PycomRequest,
  Output,
  Message,
  UnitInfo,
  PycomEvent,
  decodeEvent,
  decodeRequest,
  encodeRequest,
  encodeEvent,
  receive,
  isReceived,
  isRejected,
  canonicalAddress,
} from './protocol';
export { listen, send, lookupHost, tcpTransport, PYCOM_PORT, ListenError, SendError } from './transport';
export {
  ofType,
  fromNode,
  isFromUnit,
  awaitOutput,
  toBoardioResult,
  parseBoardioMessage,
  queueByUnit,
  OutputTimeoutError,
} from './operators';
export {
  createCoordinator,
  CoordinatorClosedError,
  OutputRejectedError,
  OutputTruncatedError,
  UnitInfoTimeoutError,
  UNIT_INFO_TIMEOUT_MS,
  COMPLETION_RULES,
} from './coordinator';
export { tagCommand, readTrailer, untagOutput, CommandTooLargeError, MAX_COMMAND_BYTES } from './protocol';
export { discover } from './discovery';
export { doctor, DOCTOR_DEFAULTS } from './doctor';
export { OptionError } from './validation';
export { SequenceError } from './sequence/error';
export type {
  Arrival,
  CommandOutput,
  DecodeFailure,
  DecodeFailureKind,
  DecodeOptions,
  EventType,
  Inbound,
  Received,
  RejectReason,
  Rejected,
  Remote,
} from './protocol';
export type {
  Delivered,
  ListenErrorReason,
  ListenOptions,
  LocalAddress,
  SendErrorReason,
  SendOptions,
  Target,
  Transport,
} from './transport';
export type {
  AwaitOutputOptions,
  AwaitedOutput,
  BoardioReport,
  BoardioResult,
  FromNodeOptions,
  PendingCommand,
  QueueByUnitOptions,
  TypeOf,
} from './operators';
export type {
  CommandError,
  CommandOptions,
  CommandRequest,
  CommandResult,
  CompletionRules,
  Coordinator,
  CoordinatorOptions,
  CoordinatorStats,
  HeartbeatPolicy,
  LateOutput,
  MessageRule,
  Presence,
  PresenceState,
  RunSequenceOptions,
  SequenceFailureReason,
  SequenceStep,
  SequenceProgress,
  UnitInfoOptions,
  UnitInfoRefresh,
} from './coordinator';
export type { TaggedCommand, Trailer } from './protocol';
export { SHOOT_DEFAULTS } from './coordinator/shootOptions';
export type {
  ShootEvent,
  ShootFailureReason,
  ShootOptions,
  ShootUnitState,
  ShootUnitSummary,
  ShotSequence,
} from './coordinator/shootTypes';
export { ASSUMPTIONS } from './protocol/assumptions';
export type { Assumption, AssumptionSource } from './protocol/assumptions';
export type {
  DiscoverOptions,
  DiscoveryFound,
  DiscoveryItem,
  DiscoveryNoInfo,
  DiscoveryProgress,
  DiscoveryUnit,
  Subnet,
} from './discovery';
export type { DoctorCheck, DoctorCheckId, DoctorOptions, DoctorReport, DoctorStatus } from './doctor';
export type { OptionErrorReason } from './validation';
// the codecs of a row and of a sequence are values as well as types (`Sequence.is(x)`, `Row.decode(x)`)
export { Sequence, Row } from './sequence/registers';
export type { RegisterName } from './sequence';
