// The parameters of an RPC call: the query string (GET) and the form body (POST) together, as the
// signature covers them all. A name given twice is refused: which value was signed would be a guess.
import { AlibabaStsError, missing } from './errors.js';

export class RpcParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** Merges the query string and a form body; InvalidParameter when a name repeats. */
  static parse(query: string, form: string): RpcParams {
    const values = new Map<string, string>();
    for (const source of [query, form]) {
      for (const [name, value] of new URLSearchParams(source)) {
        if (values.has(name)) {
          throw new AlibabaStsError('InvalidParameter', `The parameter ${name} is specified more than once.`);
        }
        values.set(name, value);
      }
    }
    return new RpcParams(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The value, or `Missing<Name>` when absent or empty. */
  required(name: string): string {
    const v = this.values.get(name);
    if (v === undefined || v === '') throw missing(name);
    return v;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Every parameter except the signature itself: what the client signed. */
  signed(): [string, string][] {
    return [...this.values].filter(([name]) => name !== 'Signature');
  }
}
