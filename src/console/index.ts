/**
 * The rig console: a local web page over a coordinator (`pycom-rx console`).
 *
 * @packageDocumentation
 */
export * from './startConsole';
export * from './types';
export * from './coordinator';
export { consoleUnit, type ConsoleUnit } from './address';
export { ConsoleModel, type ConsoleModelOptions } from './model';
