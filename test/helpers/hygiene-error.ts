import { expect } from 'vitest';
import { HygieneError } from '../../src/errors.js';

/** The HygieneError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function hygieneErrorOf(promise: Promise<unknown>): Promise<HygieneError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HygieneError);
    return error as HygieneError;
  }
  throw new Error('expected the write to fail');
}
