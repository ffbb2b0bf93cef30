// multipart/form-data for browser POST uploads, streamed: the fields before the `file` part are
// read into memory under S3's 20 KB cap, the file part is handed on as a stream (never
// buffered), and whatever follows it is ignored, as S3 does.
import { S3Error } from '../server/errors.js';

/** S3 caps the form fields that precede the file. */
export const MAX_PRE_DATA_BYTES = 20 * 1024;
const MAX_PART_HEADER_BYTES = 8 * 1024;

export interface FormField {
  /** As sent; S3 compares field names case-insensitively. */
  readonly name: string;
  readonly value: string;
}

export interface FormFile {
  readonly filename: string;
  readonly contentType: string | undefined;
  readonly stream: AsyncIterable<Uint8Array>;
}

export interface ParsedForm {
  readonly fields: readonly FormField[];
  readonly file: FormFile | undefined;
}

export function malformedPost(): S3Error {
  return new S3Error(
    { code: 'MalformedPOSTRequest', status: 400 },
    'The body of your POST request is not well-formed multipart/form-data.',
  );
}

function preDataTooLarge(): S3Error {
  return new S3Error(
    { code: 'MaxPostPreDataLengthExceededError', status: 400 },
    'Your POST request fields preceding the upload file were too large.',
  );
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Pulls bytes from a chunk stream on demand, keeping what was read past a delimiter. */
class Reader {
  private buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.it.next();
    if (next.done === true) {
      this.done = true;
      return false;
    }
    this.buffer =
      this.buffer.length === 0 ? Buffer.from(next.value) : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  /** The bytes before `delim` (consumed with it); `onTooLarge` past `max` bytes, malformed at EOF. */
  async readUntil(delim: Buffer, max: number, onTooLarge: () => S3Error): Promise<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.buffer.indexOf(delim, from);
      if (at >= 0) {
        if (at > max) throw onTooLarge();
        const out = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delim.length);
        return out;
      }
      if (this.buffer.length > max + delim.length) throw onTooLarge();
      from = Math.max(0, this.buffer.length - delim.length + 1);
      if (!(await this.fill())) throw malformedPost();
    }
  }

  async read(n: number): Promise<Buffer> {
    while (this.buffer.length < n) if (!(await this.fill())) throw malformedPost();
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Yields the bytes before `delim`, keeping only a delimiter's worth in memory. */
  async *streamUntil(delim: Buffer): AsyncGenerator<Uint8Array> {
    for (;;) {
      const at = this.buffer.indexOf(delim);
      if (at >= 0) {
        if (at > 0) yield this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delim.length);
        return;
      }
      const keep = delim.length - 1;
      if (this.buffer.length > keep) {
        const out = this.buffer.subarray(0, this.buffer.length - keep);
        this.buffer = this.buffer.subarray(this.buffer.length - keep);
        yield out;
      }
      if (!(await this.fill())) throw malformedPost();
    }
  }

  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (await this.fill()) this.buffer = Buffer.alloc(0);
  }
}

function dispositionOf(headers: string): { name: string; filename: string | undefined } {
  let name: string | undefined;
  let filename: string | undefined;
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const value = line.slice(colon + 1);
    name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
    filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
  }
  if (name === undefined) throw malformedPost();
  return { name, filename };
}

function contentTypeOf(headers: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon >= 0 && line.slice(0, colon).trim().toLowerCase() === 'content-type')
      return line.slice(colon + 1).trim();
  }
  return undefined;
}

/**
 * Reads the fields up to the `file` part. The file's stream yields its bytes and then drains the
 * parts after it, which are ignored.
 */
export async function parseForm(source: AsyncIterable<Uint8Array>, boundary: string): Promise<ParsedForm> {
  const reader = new Reader(source);
  const dash = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  await reader.readUntil(dash, 1024, malformedPost);
  const fields: FormField[] = [];
  let preData = 0;
  for (;;) {
    const after = (await reader.read(2)).toString('latin1');
    if (after === '--') {
      await reader.drain();
      return { fields, file: undefined };
    }
    if (after !== '\r\n') throw malformedPost();
    const headers = (
      await reader.readUntil(Buffer.from('\r\n\r\n'), MAX_PART_HEADER_BYTES, malformedPost)
    ).toString('utf8');
    const { name, filename } = dispositionOf(headers);
    if (name.toLowerCase() === 'file') {
      const stream = (async function* () {
        yield* reader.streamUntil(next);
        await reader.drain();
      })();
      return {
        fields,
        file: { filename: filename ?? '', contentType: contentTypeOf(headers), stream },
      };
    }
    const value = await reader.readUntil(next, MAX_PRE_DATA_BYTES - preData, preDataTooLarge);
    preData += value.length + name.length;
    if (preData > MAX_PRE_DATA_BYTES) throw preDataTooLarge();
    fields.push({ name, value: value.toString('utf8') });
  }
}

/**
 * The form's fields by lower-case name (field names are case-insensitive; the first of a name
 * counts), with the names as sent, for the policy's conditions and the success reply.
 */
export function fieldsOf(form: ParsedForm): { fields: Map<string, string>; names: Map<string, string> } {
  const fields = new Map<string, string>();
  const names = new Map<string, string>();
  for (const f of form.fields) {
    const k = f.name.toLowerCase();
    if (fields.has(k)) continue;
    fields.set(k, f.value);
    names.set(k, f.name);
  }
  return { fields, names };
}
