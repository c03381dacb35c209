import fc from 'fast-check';
import type { Row, Sequence } from '../../src/sequence/registers';
import { REGISTER_NAMES, REGISTER_SPECS, type RegisterName } from '../../src/sequence/specs';

/** Any valid row of `register`: each parameter an integer within its range. */
export function rowOf(register: RegisterName): fc.Arbitrary<Row> {
  const params = Object.fromEntries(
    REGISTER_SPECS[register].params.map((p) => [p.name, fc.integer({ min: p.min, max: p.max })]),
  );
  return fc.record(params).map((values) => ({ register, ...values }) as Row);
}

/** Any valid row of any register. */
export const anyRow: fc.Arbitrary<Row> = fc.oneof(...REGISTER_NAMES.map(rowOf));

/** Any valid sequence (0 to 30 rows). */
export const anySequence: fc.Arbitrary<Sequence> = fc.array(anyRow, { maxLength: 30 });
