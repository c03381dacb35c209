/**
 * Lighting sequences for LightArray4 units: typed, range-checked registers and rows, CSV render
 * and parse, the injection-proof upload command, the vendor app's flash-mode presets and the
 * standalone-mode checks. Pure code: `runSequence`, which talks to units, is in the coordinator.
 *
 * @packageDocumentation
 * @module pycom-rx/sequence
 */
export * from './specs';
export * from './registers';
export * from './error';
export * from './builders';
export * from './shell';
export * from './presets';
export * from './standalone';
export { parse as parseSequence, render as renderSequence, type SequenceIssue } from './csv';
