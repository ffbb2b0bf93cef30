// XML in and out. Request bodies (CompleteMultipartUpload, Delete, CreateBucketConfiguration)
// are parsed by fast-xml-parser after a size cap and a well-formedness check; anything wrong is
// MalformedXML. DTDs are refused outright (no entity expansion, no external entities).
// Responses are built by a small builder that escapes every text node.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from './errors.js';

/** Upper bound for XML request bodies that are not otherwise limited (S3 caps most at a few MB). */
export const DEFAULT_XML_LIMIT = 2 * 1024 * 1024;

/** A parsed element: text, or child elements by name (repeated names listed in `arrays` become arrays). */
export type XmlElement = string | { readonly [name: string]: XmlElement | readonly XmlElement[] };

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_m, e: string) => {
    if (e[0] !== '#') return NAMED[e] ?? '';
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

const parsers = new Map<string, XMLParser>();

function parserFor(arrays: readonly string[]): XMLParser {
  const cacheKey = arrays.join('\0');
  let parser = parsers.get(cacheKey);
  if (parser === undefined) {
    const arraySet = new Set(arrays);
    parser = new XMLParser({
      ignoreAttributes: true,
      removeNSPrefix: true,
      // Keys and ETags are strings: never turn "0012" into 12 or trim a key's spaces.
      parseTagValue: false,
      trimValues: false,
      processEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      tagValueProcessor: (_name, value) => decodeEntities(value),
      isArray: (name) => arraySet.has(name),
    });
    parsers.set(cacheKey, parser);
  }
  return parser;
}

/**
 * Parses an XML request body and returns its root element, checking the root's name.
 * `arrays` names the elements that may repeat (Part, Object...), so one occurrence is still a list.
 */
export function parseXmlBody(
  body: Buffer | string,
  rootName: string,
  options: { arrays?: readonly string[]; maxBytes?: number } = {},
): { [name: string]: XmlElement | readonly XmlElement[] } {
  const max = options.maxBytes ?? DEFAULT_XML_LIMIT;
  if (Buffer.byteLength(body) > max) throw new S3Error('MalformedXML');
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '' || /<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true)
    throw new S3Error('MalformedXML');
  let doc: Record<string, unknown>;
  try {
    doc = parserFor(options.arrays ?? []).parse(text) as Record<string, unknown>;
  } catch {
    throw new S3Error('MalformedXML');
  }
  const roots = Object.keys(doc).filter((k) => k !== '#text');
  if (roots.length !== 1 || roots[0] !== rootName) throw new S3Error('MalformedXML');
  const root = doc[rootName];
  if (root === '' || root === undefined) return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new S3Error('MalformedXML');
  return root as { [name: string]: XmlElement | readonly XmlElement[] };
}

/** The text of a child element, or undefined; MalformedXML when it is not text. */
export function childText(
  el: { readonly [name: string]: XmlElement | readonly XmlElement[] },
  name: string,
): string | undefined {
  const v = el[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  // An element with only whitespace and comments parses as an object with a #text child.
  if (!Array.isArray(v) && typeof v === 'object' && Object.keys(v).every((k) => k === '#text')) {
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' ? t : '';
  }
  throw new S3Error('MalformedXML');
}

/** The child elements named `name` as a list of element objects (MalformedXML for text). */
export function childElements(
  el: { readonly [name: string]: XmlElement | readonly XmlElement[] },
  name: string,
): { readonly [name: string]: XmlElement | readonly XmlElement[] }[] {
  const v = el[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item: XmlElement) => {
    if (item === '') return {};
    if (typeof item !== 'object' || item === null) throw new S3Error('MalformedXML');
    return item;
  });
}

// ---- building responses ------------------------------------------------------------------

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
// Markup characters, CR (which parsers would fold), and the control characters XML 1.0 cannot
// carry literally: S3 keys may hold them (encoding-type=url exists for clients that mind).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /[&<>"'\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPE_ALL, (c) => ESCAPES[c] ?? `&#${c.charCodeAt(0)};`);
}

/**
 * A value in a response tree: text (escaped), numbers, booleans, dates (ISO 8601 with ms, as S3
 * writes them), nested elements, or arrays (repeated elements of the same name). Undefined and
 * null values are left out.
 */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlTree | readonly XmlValue[];
export interface XmlTree {
  readonly [name: string]: XmlValue;
}

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Serialises `<root xmlns="...">tree</root>` with the XML declaration. */
export function buildXml(root: string, tree: XmlTree, xmlns: string | null = S3_XMLNS): string {
  const attr = xmlns ? ` xmlns="${xmlns}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attr}>${serialiseTree(tree)}</${root}>`;
}

function serialiseTree(tree: XmlTree): string {
  let out = '';
  for (const [name, value] of Object.entries(tree)) out += serialiseValue(name, value);
  return out;
}

function serialiseValue(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value as readonly XmlValue[]) out += serialiseValue(name, v);
    return out;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${serialiseTree(value as XmlTree)}</${name}>`;
  const text = typeof value === 'string' ? xmlEscape(value) : String(value);
  return `<${name}>${text}</${name}>`;
}
