import { Injectable, PipeTransform } from '@nestjs/common';
import { CHANNEL_PATTERN } from '@app/domain/event-matching';
import { invalid } from '@app/domain/errors';

/** The :channel path segment: 1 to 128 characters of [A-Za-z0-9_.:-], as on events. */
@Injectable()
export class ChannelParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !CHANNEL_PATTERN.test(value)) {
      throw invalid('channel', 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]');
    }
    return value;
  }
}
