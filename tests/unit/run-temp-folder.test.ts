import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPrerequisites } from '../../emulator/prerequisites';
import { endRunTempFolder, startRunTempFolder } from '../harness/run-temp-folder';

describe("the test run's temp folder", () => {
  it('is removed at the end, naming what our own code left apart from what other programs left', () => {
    const env: NodeJS.ProcessEnv = {};
    const folder = startRunTempFolder(env);
    expect(env.TMPDIR).toBe(folder);
    mkdirSync(join(folder, 'agent-a1b2c3'));
    mkdirSync(join(folder, 'tsx-0'));
    writeFileSync(join(folder, 'azureml-evidence'), '');
    const left = endRunTempFolder(env);
    expect(left).toEqual({ own: ['agent-a1b2c3', 'azureml-evidence'], others: ['tsx-0'] });
    expect(existsSync(folder)).toBe(false);
  });

  it('names nothing when the tests removed what they made', () => {
    const env: NodeJS.ProcessEnv = {};
    const folder = startRunTempFolder(env);
    mkdirSync(join(folder, 'node-compile-cache'));
    expect(endRunTempFolder(env).own).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });
});

describe("the emulator's prerequisites", () => {
  it('are all on this machine', () => {
    expect(missingPrerequisites()).toEqual([]);
  });

  it('name each missing program with what needs it and how to install it', () => {
    expect(missingPrerequisites({ PATH: '' }, '18.19.0')).toEqual([
      expect.stringMatching(
        /^Node 20 or newer is needed \(this is Node 18\.19\.0\).*apt-get install nodejs.*brew install node@20/,
      ),
      'python3 is not on PATH: it runs Azure ML jobs and scoring servers (standard library only). Install it (Debian: apt-get install python3; macOS: brew install python).',
      'openssl is not on PATH: it makes its TLS certificates. Install it (Debian: apt-get install openssl; macOS: brew install openssl).',
    ]);
  });

  it('take the openssl that OPENSSL names', () => {
    expect(missingPrerequisites({ PATH: process.env.PATH, OPENSSL: '/nonexistent/openssl' })).toEqual([
      expect.stringMatching(/^\/nonexistent\/openssl is not on PATH/),
    ]);
  });
});
