import { checkCommandSize } from '../protocol/commandSize';
import { checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';
import { checkCompletionRules } from './completionRules';
import type { RunSequenceOptions } from './runSequence';
import type { CommandOptions, UnitInfoOptions } from './types';

const COMMAND_RULES: OptionTable<CommandOptions> = { outputTimeoutMs: RULES.timeout };
const UNIT_INFO_RULES: OptionTable<UnitInfoOptions> = { timeoutMs: RULES.timeout };

/**
 * Checks the options of one `command()` call when it is made: `outputTimeoutMs` a number of ms
 * > 0 and <= 2^31 - 1, or `Infinity`; `tagged` a boolean.
 *
 * @internal
 * @category Coordinator
 */
export function checkCommandOptions(options: CommandOptions | undefined): CommandOptions {
  checkOptions(options, COMMAND_RULES, 'options');
  if (options?.tagged !== undefined && typeof options.tagged !== 'boolean')
    throw new OptionError('options.tagged', 'type', options.tagged, 'true or false');
  return options ?? {};
}

/**
 * Checks the options of one `unitInfo()` call: `timeoutMs` a number of ms > 0 and <= 2^31 - 1,
 * or `Infinity`.
 *
 * @internal
 * @category Coordinator
 */
export function checkUnitInfoOptions(options: UnitInfoOptions | undefined): UnitInfoOptions {
  checkOptions(options, UNIT_INFO_RULES, 'options');
  return options ?? {};
}

const RUN_SEQUENCE_RULES: OptionTable<RunSequenceOptions> = {
  stepTimeoutMs: RULES.ms,
  runTimeoutMs: RULES.ms,
};

/**
 * Checks the options of one `runSequence()` call: the timeouts numbers of ms > 0 and
 * <= 2^31 - 1, `standalone` and `run` booleans, `path` a string, `completion` valid rules.
 *
 * @internal
 * @category Coordinator
 */
export function checkRunSequenceOptions(options: RunSequenceOptions | undefined): void {
  if (options === undefined) return;
  checkOptions(options, RUN_SEQUENCE_RULES, 'options');
  for (const key of ['standalone', 'run'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'boolean')
      throw new OptionError(`options.${key}`, 'type', options[key], 'true or false');
  if (options.path !== undefined && typeof options.path !== 'string')
    throw new OptionError('options.path', 'type', options.path, 'a file path (a string)');
  checkCompletionRules(options.completion, 'options.completion');
}

/**
 * Checks a shell command when it is asked for: a string without NUL characters (no shell word
 * holds one) that a unit can run as it will be sent (tagged or not: see `MAX_COMMAND_BYTES`).
 *
 * @internal
 * @category Coordinator
 * @param command The command as given.
 * @param tagged Whether it will be sent tagged.
 * @throws {@link OptionError} for a command that is not a string or holds a NUL;
 * `CommandTooLargeError` when too long.
 */
export function checkShellCommand(command: unknown, tagged: boolean): void {
  if (typeof command !== 'string')
    throw new OptionError('command', 'type', command, 'a shell command (a string)');
  if (command.includes('\0'))
    throw new OptionError(
      'command',
      'type',
      command,
      'a shell command without NUL characters (no shell word holds one)',
    );
  checkCommandSize(command, { tagged });
}

/**
 * The host of a target as the caller wrote it, for labels ('' when it has none).
 * @internal
 * @param target Anything given as a target.
 */
export function hostOf(target: unknown): string {
  if (typeof target === 'string') return target;
  const host: unknown =
    typeof target === 'object' && target !== null ? (target as { host?: unknown }).host : undefined;
  return typeof host === 'string' ? host : '';
}
