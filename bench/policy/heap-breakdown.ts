// Where the heap of 10,000 compiled policies goes: takes a heap snapshot with the compiled set
// alive and the policy texts dropped, and sums self sizes by V8 node type and constructor.
//
//   cd bench && npm run bench:policy:heap
import { readFileSync, rmSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { compilePolicyText, type CompiledPolicy } from '../../src/policy/compile.js';
import { generatePolicy } from './compile10k.js';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function compileSet(count: number): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (let i = 0; i < count; i++) {
    const d = generatePolicy(i);
    const r = compilePolicyText(d.text, { id: `policy-${i}`, type: d.type }, { dialect: 'aws' });
    if (!r.ok) throw new Error(`policy-${i}: ${JSON.stringify(r.problems)}`);
    out.push(r.policy);
  }
  return out;
}

const kept = compileSet(10_000);
(globalThis as { gc?: () => void }).gc?.();
const file = writeHeapSnapshot(`/tmp/portcullis-policies-${process.pid}.heapsnapshot`);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
rmSync(file);

const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const edgeFields = snap.snapshot.meta.edge_fields;
const edgeTypes = snap.snapshot.meta.edge_types[0];
const stride = fields.length;
const eStride = edgeFields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const iEdgeCount = fields.indexOf('edge_count');
const eType = edgeFields.indexOf('type');
const eName = edgeFields.indexOf('name_or_index');
const eTo = edgeFields.indexOf('to_node');
const { nodes, edges, strings } = snap;

const typeOf = (n: number) => types[nodes[n + iType] as number] ?? '?';
const nameOf = (n: number) => {
  const t = typeOf(n);
  return t === 'object' || t === 'closure' || t === 'hidden'
    ? (strings[nodes[n + iName] as number] ?? '?').slice(0, 40)
    : '';
};
const label = (n: number) => `${typeOf(n)}${nameOf(n) ? ` ${nameOf(n)}` : ''}`;

// The first retainer of every node (good enough to say who owns the small arrays and objects).
const owner = new Int32Array(nodes.length / stride).fill(-1);
const ownerEdge: string[] = [];
for (let n = 0, e = 0; n < nodes.length; n += stride) {
  const count = nodes[n + iEdgeCount] as number;
  for (let k = 0; k < count; k++, e += eStride) {
    const kind = edgeTypes[edges[e + eType] as number];
    if (kind === 'weak' || kind === 'shortcut') continue;
    const to = (edges[e + eTo] as number) / stride;
    if (owner[to] !== -1) continue;
    owner[to] = n / stride;
    const nm = edges[e + eName] as number;
    ownerEdge[to] = kind === 'element' || kind === 'hidden' ? '[]' : `.${strings[nm] ?? '?'}`;
  }
}

/** `Owner.field` for a node; arrays' backing stores are charged to the field holding the Array. */
function ownerPath(n: number): string {
  let idx = n / stride;
  let path = '';
  for (let depth = 0; depth < 2; depth++) {
    const o = owner[idx] as number;
    if (o < 0) break;
    path = `${ownerEdge[idx] ?? ''}${path}`;
    const on = o * stride;
    if (typeOf(on) === 'object' && nameOf(on) === 'Array' && depth === 0) {
      idx = o;
      continue;
    }
    return `${label(on)}${path}`;
  }
  return path || '(root)';
}

const byKind = new Map<string, { count: number; bytes: number }>();
const byOwner = new Map<string, { count: number; bytes: number }>();
let total = 0;
const bump = (m: Map<string, { count: number; bytes: number }>, key: string, size: number) => {
  const e = m.get(key) ?? { count: 0, bytes: 0 };
  e.count++;
  e.bytes += size;
  m.set(key, e);
};
for (let n = 0; n < nodes.length; n += stride) {
  const size = nodes[n + iSize] as number;
  total += size;
  bump(byKind, label(n), size);
  bump(byOwner, `${label(n)}  <-  ${ownerPath(n)}`, size);
}
const show = (m: Map<string, { count: number; bytes: number }>, rows: number) => {
  console.log('   MiB     count  node');
  for (const [key, e] of [...m].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, rows)) {
    console.log(`${(e.bytes / 2 ** 20).toFixed(1).padStart(6)} ${String(e.count).padStart(9)}  ${key}`);
  }
};
console.log(
  `heap snapshot with ${kept.length} compiled policies alive: ${(total / 2 ** 20).toFixed(1)} MiB in all`,
);
console.log('\nBy node type and constructor:');
show(byKind, 20);
console.log(
  '\nBy first retainer (Owner.field; an Array and its backing store are charged to the field holding it):',
);
show(byOwner, 30);
