import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { HooklineConfig } from '@app/config';

/**
 * Paths pino replaces with "[redacted]" wherever they turn up in a log record: credentials in
 * request headers and any field named like a secret, at the top or one level down.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-webhook-token"]',
  'headers.authorization',
  '*.headers.authorization',
  ...['secret', 'previous_secret', 'token', 'api_key', 'apiKey', 'password', 'authorization'].flatMap((key) => [key, `*.${key}`]),
];

/**
 * The process's pino logger: JSON lines on stdout at LOG_LEVEL, or human-readable lines when
 * LOG_PRETTY=true and pino-pretty is installed (it is not a dependency: a development nicety).
 * `destination` lets tests read the lines.
 */
export function createLogger(config: HooklineConfig, app: 'api' | 'worker', destination?: DestinationStream): Logger {
  const pretty = config.logPretty && !destination ? prettyStream() : undefined;
  const logger = pino(
    {
      level: config.logLevel,
      base: { app, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pretty ?? pino.destination({ dest: 1, sync: true }),
  );
  if (config.logPretty && !destination && !pretty) logger.warn('LOG_PRETTY=true, but pino-pretty is not installed: logging JSON lines');
  return logger;
}

function prettyStream(): DestinationStream | undefined {
  try {
    // Optional at run time: present in development when someone installed it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' });
  } catch {
    return undefined;
  }
}
