import type { ProbeArea } from './probe';

/** Runs an area's probes as jest tests: each probe passes, finds no canary and ends with no unexpected error. */
export function describeArea<Context>(area: ProbeArea<Context>): void {
  describe(`reliability: ${area.name}`, () => {
    let context: Context;
    beforeAll(async () => {
      context = await area.start();
    }, 120_000);
    afterAll(async () => {
      if (context !== undefined) await area.stop(context);
    });
    for (const probe of area.probes) {
      it(
        `${probe.id}: ${probe.title} → ${probe.expected}`,
        async () => {
          const result = await probe.run(context);
          expect({ id: probe.id, observed: result.observed, canaryHits: result.canaryHits ?? 0 }).toEqual({
            id: probe.id,
            observed: result.observed,
            canaryHits: 0,
          });
          expect(result.unexpectedError ?? false).toBe(false);
          expect(result.pass).toBe(true);
          if (probe.maxRssMb !== undefined && result.peakRssMb !== undefined) {
            expect(result.peakRssMb).toBeLessThan(probe.maxRssMb);
          }
        },
        probe.boundMs + 30_000,
      );
    }
  });
}
