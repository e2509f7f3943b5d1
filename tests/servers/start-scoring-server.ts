/**
 * Starts one test scoring server and prints `{"url", "scoringUri", "behaviour", "pid"}` as a single JSON line, then
 * serves until SIGINT/SIGTERM. For the demo and the benchmark:
 *   npx tsx tests/servers/start-scoring-server.ts --behaviour correct --key secret-key [--port 0] [--delay-ms 200]
 *     [--refuse-ms 1000] [--unavailable-ms 1000] [--answer-shape array|predictions|json-string] [--tls-cert c.pem --tls-key k.pem]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  SCORING_BEHAVIOURS,
  startScoringServer,
  type ScoringBehaviour,
  type ScoringServerOptions,
} from './scoring-servers';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      behaviour: { type: 'string', default: 'correct' },
      key: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'delay-ms': { type: 'string' },
      'refuse-ms': { type: 'string' },
      'unavailable-ms': { type: 'string' },
      'answer-shape': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
  });
  const behaviour = values.behaviour as ScoringBehaviour;
  if (!SCORING_BEHAVIOURS.includes(behaviour))
    throw new Error(`--behaviour must be one of ${SCORING_BEHAVIOURS.join(', ')}`);
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`--${name} must be a whole number, got '${text}'`);
    return value;
  };
  const shape = values['answer-shape'];
  if (shape !== undefined && !['array', 'predictions', 'json-string'].includes(shape))
    throw new Error(`--answer-shape must be array, predictions or json-string`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new Error('--tls-cert and --tls-key go together');
  const options: ScoringServerOptions = {
    ...(values.key === undefined ? {} : { key: values.key }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...optional('port', number('port', values.port)),
    ...optional('delayMs', number('delay-ms', values['delay-ms'])),
    ...optional('refuseMs', number('refuse-ms', values['refuse-ms'])),
    ...optional('unavailableMs', number('unavailable-ms', values['unavailable-ms'])),
    ...(shape === undefined ? {} : { answerShape: shape as ScoringServerOptions['answerShape'] }),
    ...(values['tls-cert'] && values['tls-key']
      ? {
          tls: {
            cert: readFileSync(values['tls-cert'], 'utf8'),
            key: readFileSync(values['tls-key'], 'utf8'),
          },
        }
      : {}),
  };
  const server = await startScoringServer(behaviour, options);
  process.stdout.write(
    `${JSON.stringify({ url: server.url, scoringUri: server.scoringUri, behaviour, pid: process.pid })}\n`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
});
