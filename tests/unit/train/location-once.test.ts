import { readdirSync } from 'node:fs';
import path from 'node:path';
import { localPlatform } from '../../../shared/src/platform/local';
import { describeError } from '../../../shared/src/step/describe-error';
import { formatLocation } from '../../../shared/src/step/errors';
import { JobSpecErrors, loadJobSpec } from '../../../shared/src/steps/train/job-spec';
import { fixture } from './helpers';

/** What a user sees for a refused job YAML on this machine (`npm run step`): the line runStep logs. */
function shownRefusal(file: string): { lines: string[]; locations: string[] } {
  let error: unknown;
  try {
    loadJobSpec(file);
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof JobSpecErrors)) throw new Error(`${file} was not refused`);
  const described = describeError(error, false);
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((text: string) => void printed.push(text));
  try {
    localPlatform({ env: {} }).logger.error(described.message, described.location);
  } finally {
    spy.mockRestore();
  }
  return {
    lines: printed.join('\n').split('\n'),
    locations: error.errors.map((e) => formatLocation(e.location!)),
  };
}

// broken-component.yml is the component of broken-component-pipeline.yml; automl.yml is a job type that other
// work makes runnable (it is then no refusal).
const BROKEN = readdirSync(fixture('broken'))
  .filter((name) => name !== 'broken-component.yml' && name !== 'automl.yml')
  .map((name) => fixture('broken', name));

describe('a refused job YAML names file:line:column once', () => {
  it.each(BROKEN.map((file) => [path.basename(file), file]))('%s', (_name, file) => {
    const { lines, locations } = shownRefusal(file);
    expect(lines).toHaveLength(locations.length);
    lines.forEach((line, i) => {
      const location = locations[i]!;
      expect(line.split(location).length - 1).toBe(1);
      expect(line).not.toMatch(/:\d+:\d+: \S+:\d+:\d+:/);
    });
  });
});
