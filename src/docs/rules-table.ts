import { RULES } from '../rules/index.js';

/**
 * The README's rule table, built from the rule catalogue so the docs cannot
 * drift from the code (a test compares them). Regenerate with
 * `node dist/docs/rules-table.js` and paste between the README's markers.
 */
export function renderRulesTable(): string {
  const rows = RULES.map(
    ({ meta }) => `| \`${meta.id}\` | ${meta.title} | ${meta.firesWhen} | ${meta.defaultSeverity} | ${meta.options} |`,
  );
  return ['| rule id | title | fires when | default severity | options (default) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${renderRulesTable()}\n`);
}
