import { inspect } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const STACK_PATTERN = /\n\s+at /;

/** An object message's `msg`: a string as it is, anything else inspected (never "[object Object]"). */
function lineOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : inspect(value);
}

/**
 * Nest's LoggerService on pino, so every `new Logger(Context).log(...)` call and Nest's own
 * messages become JSON lines. Nest passes the context as the last argument and, for errors, a
 * stack before it; a plain object as message or argument becomes fields of the record (use it
 * for ids: `logger.log({ delivery_id, event_id, msg: '...' })`).
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    for (const param of rest) {
      if (param instanceof Error) fields.err = param;
      else if (typeof param === 'string' && STACK_PATTERN.test(param)) fields.stack = param;
      else if (param && typeof param === 'object') Object.assign(fields, param);
      else if (param !== undefined) fields.details = [...((fields.details as unknown[]) ?? []), param];
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      const { msg, message: text, ...objectFields } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...objectFields }, lineOf(msg ?? text));
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
