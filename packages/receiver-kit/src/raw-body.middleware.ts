import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonError } from './json-error-response';

/** A request once the raw body is captured; `body` is whatever an earlier parser may have put there. */
export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
  body?: unknown;
}

export type NextFunction = (error?: unknown) => void;

/** A plain (req, res, next) middleware: Express (and Nest on Express) accept it as is. */
export type Middleware<Req extends IncomingMessage = RawBodyRequest> = (req: Req, res: ServerResponse, next: NextFunction) => void;

export interface RawBodyOptions {
  /** Bodies larger than this are answered 413. Default 1 MiB (Hookline accepts events up to 256 KiB). */
  limitBytes?: number;
}

export const DEFAULT_RAW_BODY_LIMIT_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body of a request as bytes; for receivers on plain node:http. */
export function readRawBody(req: IncomingMessage, { limitBytes = DEFAULT_RAW_BODY_LIMIT_BYTES }: RawBodyOptions = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (req.readableEnded) {
      reject(
        new Error(
          'The request body was already read by another parser. Mount rawBody() before any body parser, ' +
            'or keep the bytes yourself (Nest: NestFactory.create(AppModule, { rawBody: true }); express.json({ verify }))',
        ),
      );
      return;
    }
    const declaredLength = Number(req.headers['content-length']);
    if (declaredLength > limitBytes) {
      req.resume(); // discard, so the connection can answer
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const cleanUp = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      receivedBytes += bytes.length;
      if (receivedBytes > limitBytes) {
        cleanUp();
        req.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      cleanUp();
      resolve(Buffer.concat(chunks, receivedBytes));
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const onAborted = () => onError(new Error('The request was aborted before its body was complete.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Captures the raw bytes of the body into `req.rawBody`, like `express.raw()` for every content type, but without
 * Express. Skips when `req.rawBody` is already set (Nest's `rawBody: true`) and reuses a Buffer `req.body`
 * (express.raw). Answers 413 `{error: "payload_too_large"}` above the limit.
 */
export function rawBody(options: RawBodyOptions = {}): Middleware {
  return (req, res, next) => {
    if (Buffer.isBuffer(req.rawBody)) return next();
    if (Buffer.isBuffer(req.body)) {
      req.rawBody = req.body;
      return next();
    }
    readRawBody(req, options).then(
      (bytes) => {
        req.rawBody = bytes;
        // body-parser's own "already read" flag: a later express.json() then skips the drained stream instead of failing.
        (req as { _body?: boolean })._body = true;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof BodyTooLargeError)) return next(error);
        res.setHeader('connection', 'close');
        sendJsonError(res, 413, 'payload_too_large', error.message, { limit_bytes: error.limitBytes });
      },
    );
  };
}
