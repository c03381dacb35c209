/**
 * Thrown when a row or sequence is not valid: a register, parameter or value the unit would not
 * accept. A `RangeError`, so `catch (e) { if (e instanceof RangeError) ... }` works too.
 *
 * ## Example
 * ```ts
 * try {
 *   all4Canon({ power: 80, shutterMs: 110 });
 * } catch (e) {
 *   if (e instanceof SequenceError) console.log(e.issues); // ['ALL_4_CANON shutterMs: 110 is out of range 0..109']
 * }
 * ```
 * @category Errors
 */
export class SequenceError extends RangeError {
  /** Every problem found, one readable line each; `message` is them joined with `; `. */
  readonly issues: ReadonlyArray<string>;

  /**
   * Creates the error from one or more problems.
   *
   * ## Example
   * ```ts
   * throw new SequenceError(['LED_FAN state: 2 is out of range 0..1']);
   * ```
   * @param issues The problems, one readable line each.
   */
  constructor(issues: ReadonlyArray<string>) {
    super(issues.join('; '));
    this.name = 'SequenceError';
    this.issues = issues;
  }
}
