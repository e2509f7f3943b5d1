import { version as packageVersion } from '../../package.json';

/** The suite's version, from package.json (task.json, action.yml and the user agent all use it). */
export const version: string = packageVersion;
