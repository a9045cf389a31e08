/** A day, as every rule and alert setting counts it: 24 hours. */
export const DAY_MS = 86_400_000;

/** The only way code reads the time, so tests can pass a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Waits; injected so retry tests can run without real delays when they choose. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
