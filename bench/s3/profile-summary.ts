// Summarises the newest V8 CPU profile of the Portcullis server in bench/.data/<folder> (the
// first argument; profiles-s3 by default, written by `npm run bench:s3:profile`, or profiles-sts
// by `npm run bench:sts:profile`): self time per function and per file, top 25 each.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const folder = process.argv[2] ?? 'profiles-s3';
const dir = join(dirname(fileURLToPath(import.meta.url)), '../..', folder);
const newest = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(dir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (newest === undefined) throw new Error(`no .cpuprofile in ${dir}; run the bench's :profile script first`);
const profile = JSON.parse(readFileSync(newest, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  if (!node) return;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/') || '(native)';
  const fn = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(file, (byFile.get(file) ?? 0) + us);
});
const top = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, us]) => `| ${((us / total) * 100).toFixed(1)} % | \`${k}\` |`)
    .join('\n');
console.log(`Profile ${newest}: ${(total / 1e6).toFixed(1)} s sampled\n`);
console.log(`| self | function |\n|---:|---|\n${top(byFunction)}\n`);
console.log(`| self | file |\n|---:|---|\n${top(byFile)}`);
