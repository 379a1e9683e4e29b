import { loadConfig } from '@app/config';
import { createLogger } from './logger';
import { PinoNestLogger } from './pino-nest-logger';

function capture() {
  const lines: Array<Record<string, any>> = [];
  return { lines, write: (chunk: string) => void lines.push(JSON.parse(chunk)) };
}

describe('createLogger', () => {
  it('writes JSON records at LOG_LEVEL with the level as a word and the app name', () => {
    const out = capture();
    const logger = createLogger(loadConfig({ LOG_LEVEL: 'warn' }), 'api', out);
    logger.info('hidden');
    logger.warn({ delivery_id: 'dlv_1' }, 'shown');
    expect(out.lines).toEqual([expect.objectContaining({ level: 'warn', app: 'api', delivery_id: 'dlv_1', msg: 'shown', time: expect.any(String) })]);
  });

  it('redacts credentials and secret-looking fields', () => {
    const out = capture();
    createLogger(loadConfig({}), 'worker', out).info(
      { req: { headers: { authorization: 'Bearer k' } }, subscription: { secret: 's', api_key: 'a' }, token: 't' },
      'redacted',
    );
    expect(out.lines[0]).toMatchObject({
      req: { headers: { authorization: '[redacted]' } },
      subscription: { secret: '[redacted]', api_key: '[redacted]' },
      token: '[redacted]',
    });
  });
});

describe('PinoNestLogger', () => {
  const setup = () => {
    const out = capture();
    return { out, nest: new PinoNestLogger(createLogger(loadConfig({ LOG_LEVEL: 'trace' }), 'api', out)) };
  };

  it('takes the last string argument as the context, as Nest passes it', () => {
    const { out, nest } = setup();
    nest.log('hello', 'Ctx');
    nest.error('failed', undefined, 'Ctx');
    nest.verbose('detail', 'Ctx');
    expect(out.lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'hello', context: 'Ctx' }),
      expect.objectContaining({ level: 'error', msg: 'failed', context: 'Ctx' }),
      expect.objectContaining({ level: 'trace', msg: 'detail', context: 'Ctx' }),
    ]);
  });

  it('keeps a stack, an Error and object fields', () => {
    const { out, nest } = setup();
    const error = new Error('boom');
    nest.error('failed', error.stack, 'Ctx');
    nest.error(error, 'Ctx');
    nest.warn({ msg: 'with ids', event_id: 'evt_1' }, 'Ctx');
    expect(out.lines[0]).toMatchObject({ msg: 'failed', stack: expect.stringContaining('Error: boom'), context: 'Ctx' });
    expect(out.lines[1]).toMatchObject({ msg: 'boom', err: { type: 'Error', message: 'boom' }, context: 'Ctx' });
    expect(out.lines[2]).toMatchObject({ level: 'warn', msg: 'with ids', event_id: 'evt_1', context: 'Ctx' });
  });
});
