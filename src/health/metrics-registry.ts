/**
 * A deliberately small metrics registry that renders the Prometheus text
 * exposition format 0.0.4. The service exposes a handful of counters and
 * gauges, so a few lines of formatting beat a dependency.
 *
 * Format reference: https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export type Labels = Readonly<Record<string, string>>;

type MetricType = 'counter' | 'gauge';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One metric family: a name, its help and type, and one value per label set. */
abstract class Metric {
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`invalid label name "${label}" on ${name}`);
    }
  }

  /** The current value for a label set; undefined when never set. */
  get(labels: Labels = {}): number | undefined {
    return this.#values.get(this.#key(labels))?.value;
  }

  protected write(labels: Labels, update: (previous: number | undefined) => number): void {
    const key = this.#key(labels);
    const previous = this.#values.get(key);
    this.#values.set(key, { labels: previous?.labels ?? { ...labels }, value: update(previous?.value) });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${formatLabels(this.labelNames, labels)} ${formatValue(value)}`);
    }
    return lines.join('\n');
  }

  /** Label sets are keyed in declared label order, so `{a,b}` and `{b,a}` are one series. */
  #key(labels: Labels): string {
    const given = Object.keys(labels);
    const unknown = given.filter((name) => !this.labelNames.includes(name));
    const missing = this.labelNames.filter((name) => !(name in labels));
    if (unknown.length > 0 || missing.length > 0) {
      throw new Error(`${this.name} takes labels [${this.labelNames.join(', ')}], got [${given.join(', ')}]`);
    }
    return JSON.stringify(this.labelNames.map((name) => labels[name]));
  }
}

export class Counter extends Metric {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'counter', labelNames);
  }

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.write(labels, (previous) => (previous ?? 0) + by);
  }
}

export class Gauge extends Metric {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }

  set(value: number, labels: Labels = {}): void {
    this.write(labels, () => value);
  }
}

export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#register(new Gauge(name, help, labelNames));
  }

  /** The whole exposition, ending with a newline as the format requires. */
  render(): string {
    return [...this.#metrics.values()].map((metric) => metric.render()).join('\n') + '\n';
  }

  #register<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is already registered`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

function formatLabels(names: readonly string[], labels: Labels): string {
  if (names.length === 0) return '';
  const pairs = names.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`);
  return `{${pairs.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** HELP text escapes only backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values also escape the double quote. */
function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
