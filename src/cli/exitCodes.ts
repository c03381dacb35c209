/**
 * The exit codes of `pycom-rx`, one per kind of outcome (also in `docs/cli.md` and `--help`).
 */
export const EXIT = {
  /** Everything went as asked. */
  ok: 0,
  /** Any other failure. */
  failure: 1,
  /** Bad command line: unknown command or option, invalid value, unreadable file. */
  usage: 2,
  /** A unit could not be reached (connection refused, timed out, no route), or discover found none. */
  unreachable: 3,
  /** The listener's port (or a simulated unit's address and port) is already in use. */
  portInUse: 4,
  /** The sequence is invalid (the CSV line is printed) or a preset option is out of range. */
  invalidSequence: 5,
  /** A unit took the request but did not answer in time. */
  timeout: 6,
  /** A unit reported a failure: BOARDIO_ERROR while loading or running a sequence. */
  unitError: 7,
  /** `send`: the command ran on the unit and exited with a non-zero status (printed on stderr). */
  commandFailed: 8,
  /** Stopped by Ctrl-C (or SIGTERM) before it was done: every command, at any stage. */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed at the end of `pycom-rx --help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    other failure
  2    usage: unknown command or option, invalid value, unreadable file
  3    unit unreachable (refused, no route, connect timeout); discover: no responder
  4    port in use: the listener (--host/--port) or a simulated unit's address
  5    invalid sequence (the CSV line number is printed) or preset value out of range
  6    timeout: the unit took the request but sent no answer within --timeout
  7    the unit reported a failure (BOARDIO_ERROR)
  8    send: the command ran and exited non-zero (its exit status is printed on stderr)
  10-15  doctor: the first failed check (see pycom-rx doctor --help)
  130  interrupted by Ctrl-C or SIGTERM, at any stage (the line says what was cut short);
       a second Ctrl-C exits at once, without cleaning up`;
