// The policy as people read it: JSON indented by two, with short lists of strings on one line
// (`"Action": ["s3:GetObject", "s3:PutObject"]`). Still plain JSON: pipe it to a file and use it.

const INLINE_WIDTH = 100;

export function formatPolicyJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => formatPolicyJson(v, `${indent}  `));
    const inline = `[${items.join(', ')}]`;
    if (value.every((v) => typeof v === 'string') && indent.length + inline.length <= INLINE_WIDTH)
      return inline;
    if (items.length === 0) return '[]';
    return `[\n${items.map((i) => `${indent}  ${i}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(
      ([k, v]) => `${indent}  ${JSON.stringify(k)}: ${formatPolicyJson(v, `${indent}  `)}`,
    );
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
