import { LoggerService } from '@nestjs/common';
import { isDomainError } from '../../../domain/errors';

/** stdout carries only a command's result (one JSON line, or a report); everything else goes to stderr. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function failCommand(error: unknown): void {
  const message = isDomainError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}

export function parsePositiveInteger(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${option} takes a positive integer, not "${value}".`);
  return Number(value);
}

/** Nest's own messages, warnings and errors only, on stderr. */
export class StderrLogger implements LoggerService {
  log(): void {}
  warn(message: unknown, context?: string): void {
    process.stderr.write(`warn${context ? ` [${context}]` : ''}: ${String(message)}\n`);
  }
  error(message: unknown, ...rest: unknown[]): void {
    process.stderr.write(`error: ${String(message)}${rest.length ? ` ${rest.filter(Boolean).join(' ')}` : ''}\n`);
  }
}
