import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/health/metrics-registry.js';

describe('MetricsRegistry', () => {
  it('renders HELP, TYPE and samples in the text format, escaping label values and help', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('jobs_total', 'Jobs done,\nby "kind" \\ outcome.', ['kind']);
    const gauge = registry.gauge('temperature', 'Current temperature.');
    counter.inc({ kind: 'say "hi"\\\n' });
    counter.inc({ kind: 'plain' }, 2);
    counter.inc({ kind: 'plain' });
    gauge.set(21.5);

    expect(registry.render()).toBe(
      [
        '# HELP jobs_total Jobs done,\\nby "kind" \\\\ outcome.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="say \\"hi\\"\\\\\\n"} 1',
        'jobs_total{kind="plain"} 3',
        '# HELP temperature Current temperature.',
        '# TYPE temperature gauge',
        'temperature 21.5',
        '',
      ].join('\n'),
    );
    expect(counter.get({ kind: 'plain' })).toBe(3);
  });

  it('formats special values and keys series by label set, whatever the key order', () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge('g', 'A gauge.', ['a', 'b']);
    gauge.set(1, { a: 'x', b: 'y' });
    gauge.set(Infinity, { b: 'y', a: 'x' });
    gauge.set(NaN, { a: 'n', b: 'n' });
    gauge.set(-Infinity, { a: 'm', b: 'm' });
    expect(registry.render().split('\n').slice(2, 5)).toEqual(['g{a="x",b="y"} +Inf', 'g{a="n",b="n"} NaN', 'g{a="m",b="m"} -Inf']);
  });

  it('refuses bad names, wrong labels, duplicate metrics and counters going down', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.gauge('bad-name', 'x')).toThrow('invalid metric name');
    expect(() => registry.gauge('ok', 'x', ['__reserved'])).toThrow('invalid label name');
    const counter = registry.counter('c_total', 'x', ['outcome']);
    expect(() => registry.counter('c_total', 'again')).toThrow('already registered');
    expect(() => counter.inc({ other: 'x' })).toThrow('takes labels [outcome]');
    expect(() => counter.inc({})).toThrow('takes labels [outcome]');
    expect(() => counter.inc({ outcome: 'ok' }, -1)).toThrow('only goes up');
  });
});
