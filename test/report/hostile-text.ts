import fc from 'fast-check';

/** Characters that break formats when mishandled: markup, quoting, formula starters, line breaks, bidi controls. */
const SPECIALS = ['<', '>', '&', '"', "'", '`', '/', '=', '+', '-', '@', ',', ';', '\t', '\r', '\n', '\u0000', '\u202e', '\u2066', '\u2028', '\ufeff', '\ud83d\ude00'];

/** Any text an API could send, weighted towards the characters that matter (plain code units otherwise, lone surrogates included). */
export function hostileText(maxLength = 40): fc.Arbitrary<string> {
  const unit = fc.oneof(fc.constantFrom(...SPECIALS), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)));
  return fc.array(unit, { maxLength }).map((units) => units.join(''));
}
