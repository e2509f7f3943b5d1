import { radixSort } from '../../../../shared/src/drift/stats/radix-sort';
import { SeededDraw } from '../../../harness/seeded-draw';

/** The bytes of the built-in sort's result against radixSort's: every bit, so -0/+0 and NaN placement count. */
function expectSameAsBuiltIn(values: Float64Array): void {
  const expected = Float64Array.from(values).sort();
  const actual = radixSort(Float64Array.from(values));
  expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
}

describe('radixSort', () => {
  const draw = new SeededDraw(7);
  const n = 20_000;

  it('orders decimals of both signs, integers with many repeats and a constant as Float64Array sort does', () => {
    expectSameAsBuiltIn(Float64Array.from({ length: n }, () => Number((draw.normal() * 1e4).toFixed(2))));
    expectSameAsBuiltIn(Float64Array.from({ length: n }, () => Math.floor(draw.uniform() * 70) - 35));
    expectSameAsBuiltIn(Float64Array.from({ length: n }, () => Math.exp(10 + draw.normal())));
    expectSameAsBuiltIn(new Float64Array(n).fill(-2.5));
  });

  it('puts -0 before +0 and orders infinities, subnormals and the largest doubles', () => {
    const edges = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE];
    expectSameAsBuiltIn(
      Float64Array.from({ length: n }, () => edges[Math.floor(draw.uniform() * edges.length)]!),
    );
  });

  it('puts NaNs last, whatever their sign', () => {
    expectSameAsBuiltIn(Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? -NaN : draw.normal())));
    const negativeNaN = new Float64Array(n).map(() => draw.normal());
    new Uint32Array(negativeNaN.buffer)[2 * 5 + 1] = 0xfff80001;
    expectSameAsBuiltIn(negativeNaN);
  });

  it('sorts short arrays too', () => {
    expectSameAsBuiltIn(Float64Array.from([3, -0, 0, -1, 2]));
    expectSameAsBuiltIn(new Float64Array(0));
  });
});
