import { resolve } from 'node:path';
import { runDemo } from '../../demo/run-demo.js';
import type { FlagValues } from '../command.js';
import { pathFlag } from '../flags.js';
import { printLine, type CliIo } from '../io.js';

export function run(flags: FlagValues, io: CliIo): Promise<number> {
  const outputDir = pathFlag(flags, 'output-dir', 'demo', 'a directory path');
  return runDemo({
    outputDir: resolve(io.cwd, outputDir ?? 'demo-output'),
    print: (text) => printLine(io.stdout, text),
    logLevel: io.env.LOG_LEVEL ?? 'warn',
  });
}
