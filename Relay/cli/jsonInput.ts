/**
 * Reading the JSON files the `cosell` commands check. Every way a file can be wrong ends as one
 * InputError whose text is `<file>: <json path or position>: <reason>`, printed as one line.
 */
import { readFileSync } from 'node:fs';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { excessNestingAt, MAX_JSON_DEPTH, ValidationError } from '../../Domain';

export class InputError extends Error {
  constructor(
    readonly file: string,
    /** `$.details.dealValue`, `line 3 column 7`, or `$` for the file as a whole. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where}: ${reason}`);
    this.name = 'InputError';
  }
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length} column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Parse JSON text strictly, nested at most MAX_JSON_DEPTH levels; a leading UTF-8 BOM is dropped (Windows tools write one, JSON.parse
 * rejects it). V8's messages do not always carry a position, so a failure is located with
 * jsonc-parser (strict options: no comments, no trailing commas) to name the line and column.
 */
export function parseJsonText(file: string, text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  // Our parsers walk the result recursively: deep input would overflow the stack, so refuse it first.
  const tooDeep = excessNestingAt(body);
  if (tooDeep >= 0) {
    throw new InputError(file, lineColumn(body, tooDeep), `nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    const errors: ParseError[] = [];
    parseTolerant(body, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
    const first = errors[0];
    if (!first) throw new InputError(file, '$', (error as Error).message);
    throw new InputError(
      file,
      lineColumn(body, first.offset),
      `invalid JSON (${printParseErrorCode(first.error)})`,
    );
  }
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, '$', `cannot read the file${code ? ` (${code})` : ''}`);
  }
  return parseJsonText(file, text);
}

/** Run a domain parser over a file's JSON, turning its ValidationError into an InputError. */
export function parseWith<T>(file: string, value: unknown, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new InputError(file, error.path, error.message.slice(error.path.length + 2));
    }
    throw error;
  }
}

/** Print an InputError as the one stderr line and set exit code 2; rethrow anything else. */
export function reportInputError(
  io: { stderr(text: string): void; exitCode?: number },
  error: unknown,
): void {
  if (!(error instanceof InputError)) throw error;
  io.stderr(`cosell: ${error.message}\n`);
  io.exitCode = 2;
}
