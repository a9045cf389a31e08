import { setFlagsFromString } from 'node:v8';

/**
 * The highest tier V8 may compile the tool's code to: below its optimising
 * compiler, TurboFan (`--max-opt=2`: the baseline compiler, Sparkplug, and
 * Maglev where the V8 in use ships it; Node 20's does not enable Maglev, so
 * there it is the baseline compiler).
 *
 * TurboFan compiles hot functions on background threads. For a process that
 * lives a few seconds, as one audit does, that work hardly pays back: on the
 * 2-core machine of `npm run bench`, an audit of 10,000 keys spent about a
 * third of its CPU time in those threads, competing with the audit itself and
 * with everything else on the host (a container's CPU limit counts them too).
 * Without it, that audit takes about 30 % less CPU time and the 100,000-key
 * audit about 2 % more, at the same peak memory. `schedule` runs the same
 * audits, hours apart, so it is set there too. Set once, by the executable,
 * before any command runs, unless the operator chose a tier with `--max-opt`
 * in `NODE_OPTIONS` or on node's command line.
 */
export const MAX_OPTIMISATION_TIER = 2;

export function limitCompilerTier(): void {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((option) => option.includes('--max-opt'));
  if (chosen) return;
  setFlagsFromString(`--max-opt=${MAX_OPTIMISATION_TIER}`);
}
