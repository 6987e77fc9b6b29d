// A small schema checker for JSON read from disk: every problem is collected with the dotted path of the field at
// fault (`tokens.mask`, `output.labels[2]`), so a broken manifest is reported whole, in the user's terms.

export interface FieldIssue {
  /** Dotted path of the field at fault ('' for the document itself). */
  field: string;
  message: string;
}

type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads typed fields of JSON objects, recording what is missing or wrong instead of throwing. */
export class FieldReader {
  readonly issues: FieldIssue[] = [];

  fail(field: string, message: string): undefined {
    this.issues.push({ field, message });
    return undefined;
  }

  private get(obj: Json, key: string, path: string, optional: boolean): unknown {
    const value = obj[key];
    if (value === undefined && !optional) this.fail(join(path, key), 'is missing');
    return value;
  }

  object(obj: Json, key: string, path: string, optional = false): Json | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    return isObject(v) ? v : this.fail(join(path, key), 'must be an object');
  }

  string(obj: Json, key: string, path: string, optional = false): string | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    return typeof v === 'string' && v !== '' ? v : this.fail(join(path, key), 'must be a non-empty string');
  }

  boolean(obj: Json, key: string, path: string, optional = false): boolean | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    return typeof v === 'boolean' ? v : this.fail(join(path, key), 'must be true or false');
  }

  integer(
    obj: Json,
    key: string,
    path: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
    optional = false,
  ): number | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : this.fail(
          join(path, key),
          max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer in ${min}..${max}`,
        );
  }

  number(obj: Json, key: string, path: string, optional = false): number | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(join(path, key), 'must be a finite number');
  }

  oneOf<T extends string>(obj: Json, key: string, path: string, allowed: readonly T[]): T | undefined {
    const v = this.get(obj, key, path, false);
    if (v === undefined) return undefined;
    return allowed.includes(v as T)
      ? (v as T)
      : this.fail(join(path, key), `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }

  strings(obj: Json, key: string, path: string, optional = false): string[] | undefined {
    const v = this.get(obj, key, path, optional);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(join(path, key), 'must be a list of strings');
    const bad = v.findIndex((s) => typeof s !== 'string' || s === '');
    return bad < 0 ? (v as string[]) : this.fail(`${join(path, key)}[${bad}]`, 'must be a non-empty string');
  }

  /** Reports keys of `obj` outside `known`: a misspelt field would otherwise be silently ignored. */
  onlyKeys(obj: Json, path: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) if (!known.includes(key)) this.fail(join(path, key), 'is not a known field');
  }
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
