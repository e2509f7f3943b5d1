import { randomBytes } from 'node:crypto';
import type { JobBase } from '@azure/arm-machinelearning';
import type { JobSpec } from './job-spec';

/** A name like the CLI's when the YAML gives none: readable, unique, valid for Azure ML (`[A-Za-z0-9_-]`). */
export function newJobName(spec: JobSpec, body: JobBase): string {
  const base = (body.properties.experimentName ?? spec.type)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 40);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${base}-${stamp}-${randomBytes(3).toString('hex')}`;
}
