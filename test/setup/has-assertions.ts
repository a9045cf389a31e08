import { beforeEach, expect } from 'vitest';

// A test that asserts nothing cannot fail, so it proves nothing: make it fail.
beforeEach(() => {
  expect.hasAssertions();
});
