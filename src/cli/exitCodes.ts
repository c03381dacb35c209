/**
 * The exit codes of `pycom-rx`, one per kind of outcome. `--help` prints {@link EXIT_MEANING};
 * `docs/cli.md` and the README say the same (spec/cli/exitCodes.spec.ts checks all of them).
 */
export const EXIT = {
  /** Everything went as asked. */
  ok: 0,
  /** Any other failure. */
  failure: 1,
  /** Bad command line: unknown command or option, invalid value, unreadable file, non-loopback `--base`. */
  usage: 2,
  /** A unit could not be reached (connection refused, timed out, no route), or discover found none. */
  unreachable: 3,
  /** The listener's port (or a simulated unit's address and port) is already in use. */
  portInUse: 4,
  /** The sequence is invalid (the CSV line is printed) or a preset value is out of range (`--power 150`). */
  invalidSequence: 5,
  /** A unit took the request but did not answer in time. */
  timeout: 6,
  /** A unit reported a failure: BOARDIO_ERROR, or a command of a sequence that failed on the unit. */
  unitError: 7,
  /** `send`: the command ran on the unit and exited with a non-zero status (printed on stderr). */
  commandFailed: 8,
  /** `shoot`: a unit failed to load (or phase 1's deadline passed), so no unit was fired. */
  notFired: 9,
  /** Stopped by Ctrl-C (or SIGTERM) before it was done: every command, at any stage. */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, one line each, as `pycom-rx --help` prints it. */
export const EXIT_MEANING: Readonly<Record<keyof typeof EXIT, string>> = {
  ok: 'ok',
  failure: 'other failure',
  usage: 'usage: unknown command or option, invalid value, unreadable file, non-loopback --base',
  unreachable: 'unit unreachable (refused, no route, connect timeout); discover: no responder',
  portInUse: "port in use: the listener (--host/--port) or a simulated unit's address",
  invalidSequence: 'invalid sequence (the CSV line number is printed) or preset value out of range',
  timeout: 'timeout: the unit took the request but sent no answer within --timeout',
  unitError: 'the unit reported a failure (BOARDIO_ERROR, or a command of the sequence failed)',
  commandFailed: 'send: the command ran and exited non-zero (its exit status is printed on stderr)',
  notFired: 'shoot: a unit failed to load or the --deadline passed; no unit was fired',
  interrupted:
    'interrupted by Ctrl-C or SIGTERM, at any stage (the line says what was cut short);\n' +
    'a second Ctrl-C exits at once, without cleaning up',
};

/** The codes of `pycom-rx doctor` beyond {@link EXIT} (its `DOCTOR_EXIT` table has one per check). */
export const DOCTOR_EXIT_RANGE = { first: 10, last: 15 } as const;

const row = (code: string, meaning: string) =>
  `  ${code.padEnd(7)}${meaning.replace(/\n/g, `\n${' '.repeat(9)}`)}`;

/** The table printed at the end of `pycom-rx --help`, generated from {@link EXIT_MEANING}. */
export const EXIT_CODES_HELP = [
  '',
  'Exit codes:',
  ...(Object.keys(EXIT) as Array<keyof typeof EXIT>)
    .filter((name) => name !== 'interrupted')
    .map((name) => row(String(EXIT[name]), EXIT_MEANING[name])),
  row(
    `${DOCTOR_EXIT_RANGE.first}-${DOCTOR_EXIT_RANGE.last}`,
    'doctor: the first failed check (see pycom-rx doctor --help)',
  ),
  row(String(EXIT.interrupted), EXIT_MEANING.interrupted),
].join('\n');
