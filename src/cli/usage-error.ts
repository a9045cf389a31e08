import { HygieneError } from '../errors.js';

/** A USAGE error (exit 2) that ends with where to read the usage: the command's own help when known. */
export function usageError(message: string, command?: string): HygieneError {
  const help = command === undefined ? 'c1-hygiene --help' : `c1-hygiene ${command} --help`;
  return new HygieneError('USAGE', `${message}\nRun "${help}" for usage.`);
}
