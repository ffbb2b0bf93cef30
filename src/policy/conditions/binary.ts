// BinaryEquals: base64 values compared as bytes (so `QQ==` equals `QQ`).
import type { OperatorSpec } from './operator.js';

// Standard alphabet; padding optional. Buffer.from would silently skip anything else.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** The decoded bytes, or undefined when `s` is not base64. */
export function decodeBase64(s: string): Buffer | undefined {
  return BASE64.test(s) ? Buffer.from(s, 'base64') : undefined;
}

export const BINARY_OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  BinaryEquals: {
    negated: false,
    relation: 'equal to',
    quoted: true,
    compile(values) {
      const decoded = values.map(decodeBase64);
      return {
        find(value) {
          // Same text: same bytes, no decoding needed.
          const same = values.indexOf(value);
          if (same >= 0 && decoded[same] !== undefined) return same;
          const bytes = decodeBase64(value);
          if (bytes === undefined) return -1;
          for (let i = 0; i < decoded.length; i++) if (decoded[i]?.equals(bytes)) return i;
          return -1;
        },
        invalidContextValue: (value) =>
          decodeBase64(value) === undefined ? 'which is not base64' : undefined,
        unusable: (i) =>
          decoded[i] === undefined ? `${values[i]} is not base64, so the value never matches` : undefined,
      };
    },
  },
};
