import { createRequire } from 'node:module';

interface JoiIssue {
  message: string;
  path: Array<string | number>;
}

interface JoiSchema {
  validate(value: unknown, options?: { abortEarly?: boolean }): { error?: { details: JoiIssue[] }; value: unknown };
}

interface PasskitSchemas {
  PassProps: JoiSchema;
  Barcode: JoiSchema;
}

/**
 * passkit-generator's Joi schemas, the project's reference for what Apple accepts (DESIGN.md). The
 * package's `exports` map publishes only its root, which exports PKPass and PassType but not the
 * schemas; they are loaded from the package's own folder, next to the resolved entry point.
 */
const schemas = createRequire(createRequire(__filename).resolve('passkit-generator'))(
  './schemas/index.js',
) as PasskitSchemas;

export interface PassJsonProblem {
  path: string;
  message: string;
}

/**
 * Checks a pass.json object against passkit-generator's PassProps schema, every problem at once.
 * The deprecated singular `barcode` key is not part of that schema (passkit-generator never writes
 * it), so it is checked against the Barcode schema on its own.
 */
export function validatePassJson(passJson: unknown): PassJsonProblem[] {
  if (typeof passJson !== 'object' || passJson === null || Array.isArray(passJson)) {
    return [{ path: '', message: 'pass.json must be a JSON object' }];
  }
  const { barcode, ...rest } = passJson as Record<string, unknown>;
  const problems = issuesOf(schemas.PassProps, rest, []);
  if (barcode !== undefined) problems.push(...issuesOf(schemas.Barcode, barcode, ['barcode']));
  return problems;
}

function issuesOf(schema: JoiSchema, value: unknown, prefix: Array<string | number>): PassJsonProblem[] {
  const { error } = schema.validate(value, { abortEarly: false });
  return (error?.details ?? []).map((issue) => {
    const path = [...prefix, ...issue.path].join('.');
    // Joi quotes only the last path segment of a nested value; name the full path for the reader.
    const message = prefix.length > 0 ? `"${path}": ${issue.message}` : issue.message;
    return { path, message };
  });
}
