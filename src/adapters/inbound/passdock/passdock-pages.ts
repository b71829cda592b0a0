import type { Page } from '../../../application/list-templates.use-case';
import { Problems, RequestProblemCode } from './passdock-errors';
import { PassdockParams } from './passdock-params';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/**
 * `page` (from 1; the 2016 client sends it, reference §3.1, §4.1) and `per_page` (a passgate
 * extension, up to 500). Passdock's page size is not documented; passgate's is 100.
 */
export function readPage(params: PassdockParams): Page {
  const problems = new Problems();
  const number = (name: string, fallback: number, max: number): number => {
    const raw = params.value(name);
    if (raw === undefined || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      problems.add(RequestProblemCode.ParameterInvalid, name, `${name} must be a whole number from 1 to ${max}.`);
      return fallback;
    }
    return value;
  };
  const page = number('page', 1, 1_000_000);
  const limit = number('per_page', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  problems.throwIfAny();
  return { offset: (page - 1) * limit, limit };
}
