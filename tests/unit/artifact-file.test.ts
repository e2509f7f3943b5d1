import { fileInArtifacts } from '../../shared/src/evidence/artifact-file';
import { checkSummaryNamesNoAgentPath } from '../harness/summary-paths';

const file = '/home/runner/work/_temp/drift-report/drift-report.html';

describe('fileInArtifacts', () => {
  it("names the file in the run's artifacts, linked, on a CI host", () => {
    const text = fileInArtifacts(
      { host: 'github', artifactsUrl: 'https://github.com/contoso/weather/actions/runs/7#artifacts' },
      file,
    );
    expect(text).toBe(
      "`drift-report.html` in the [run's artifacts](https://github.com/contoso/weather/actions/runs/7#artifacts) (publish its folder)",
    );
    expect(text).not.toContain('_temp');
  });

  it('names the file without a link when the host gives no artifacts page', () => {
    expect(fileInArtifacts({ host: 'azure-pipelines' }, file)).toBe(
      "`drift-report.html` in the run's artifacts (publish its folder)",
    );
  });

  it('gives the path on a local run, where the file stays', () => {
    expect(fileInArtifacts({ host: 'local', artifactsUrl: 'https://x' }, file)).toBe(`\`${file}\``);
  });
});

describe("the host harnesses' summary check", () => {
  it('refuses a summary naming a path in the agent temp folder, and allows the sources nested in it', () => {
    expect(() =>
      checkSummaryNamesNoAgentPath('Charts per feature: /tmp/agent-1/drift-report/x.html', '/tmp/agent-1'),
    ).toThrow(/names a path in the agent temp folder \/tmp\/agent-1: Charts per feature/);
    expect(() =>
      checkSummaryNamesNoAgentPath('cannot read /tmp/agent-1/s/data.csv', '/tmp/agent-1', '/tmp/agent-1/s'),
    ).not.toThrow();
  });
});
