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
  Personalize: JoiSchema;
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
 */
export function validatePassJson(passJson: unknown): PassJsonProblem[] {
  return checkPassJson(passJson).problems;
}

/**
 * validatePassJson, plus the value as the schema hands it back (defaults applied, values converted):
 * passkit-generator writes that value, not its input, into the pass.json it signs.
 */
export function checkPassJson(passJson: unknown): { problems: PassJsonProblem[]; value: unknown } {
  if (typeof passJson !== 'object' || passJson === null || Array.isArray(passJson)) {
    return { problems: [{ path: '', message: 'pass.json must be a JSON object' }], value: passJson };
  }
  return issuesOf(schemas.PassProps, passJson, []);
}

/**
 * Checks personalization.json against passkit-generator's Personalize schema, which its PKPass
 * applies to the file before packaging it (and drops the file, with a console warning, when it
 * fails). Paths are prefixed with `personalization`.
 */
export function validatePersonalizationJson(personalization: unknown): PassJsonProblem[] {
  return issuesOf(schemas.Personalize, personalization, ['personalization']).problems;
}

function issuesOf(
  schema: JoiSchema,
  input: unknown,
  prefix: Array<string | number>,
): { problems: PassJsonProblem[]; value: unknown } {
  const { error, value } = schema.validate(input, { abortEarly: false });
  const problems = (error?.details ?? []).map((issue) => {
    const path = [...prefix, ...issue.path].join('.');
    // Joi quotes only the last path segment of a nested value; name the full path for the reader.
    const message = prefix.length > 0 ? `"${path}": ${issue.message}` : issue.message;
    return { path, message };
  });
  return { problems, value };
}
