/** The local host's input variables (shared/src/platform/local-inputs.ts): every host's spelling, and what is off. */
import {
  givenInputVariables,
  localInputValue,
  localInputWarnings,
} from '../../shared/src/platform/local-inputs';
import { driftCheckManifest } from '../../shared/src/steps/drift-check/manifest';
import { trainManifest } from '../../shared/src/steps/train/manifest';

test("an input is read from our, the agent's and the runner's spelling", () => {
  for (const variable of ['INPUT_BASELINE_DATA', 'INPUT_BASELINEDATA', 'INPUT_BASELINE-DATA'])
    expect(localInputValue(givenInputVariables({ [variable]: 'train.csv' }), 'baselineData')).toBe(
      'train.csv',
    );
  expect(localInputWarnings(driftCheckManifest, givenInputVariables({ 'INPUT_BASELINE-DATA': 'x' }))).toEqual(
    [],
  );
});

test('the Azure DevOps input and the same input given twice differently are warned about', () => {
  expect(
    localInputWarnings(trainManifest, givenInputVariables({ INPUT_AZURE_SUBSCRIPTION: 'conn' })),
  ).toEqual([
    expect.stringMatching(
      /^INPUT_AZURE_SUBSCRIPTION is ignored: 'azureSubscription' is an Azure DevOps input\. Here sign in with INPUT_CREDS/,
    ),
  ]);
  const given = givenInputVariables({
    INPUT_BASELINE_DATA: 'a.csv',
    'INPUT_BASELINE-DATA': 'b.csv',
  });
  expect(localInputValue(given, 'baselineData')).toBe('a.csv');
  const warnings = localInputWarnings(driftCheckManifest, given);
  expect(warnings).toEqual([
    "INPUT_BASELINE_DATA and INPUT_BASELINE-DATA give 'baselineData' different values: INPUT_BASELINE_DATA is used.",
  ]);
});
