/**
 * Finding units on a network: a bounded TCP-connect scan of a subnet, then heartbeats to the
 * responders to collect their `unit_info`.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './subnet';
export * from './probe';
export * from './discover';
