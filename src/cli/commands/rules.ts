import { EXIT } from '../../errors.js';
import type { FlagValues } from '../command.js';
import { booleanFlag } from '../flags.js';
import { printLine, type CliIo } from '../io.js';
import { listRules, renderRulesTable } from '../rule-listing.js';

export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  const rules = listRules();
  printLine(io.stdout, booleanFlag(flags, 'json') ? JSON.stringify(rules, null, 2) : renderRulesTable(rules));
  return EXIT.ok;
}
