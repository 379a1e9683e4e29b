import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MAX_URL_LENGTH } from '@app/domain/url-policy';
import { OptionalNotNull } from '../common/validators';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../subscriptions/subscription.dto';

/** Page numbers start at 1; the upper bound keeps the offset a safe integer. */
const PAGE_PATTERN = /^[1-9]\d{0,8}$/;

/** A URL, or null to clear the webhook; the URL policy (https, SSRF guard) is applied by the service. */
const NullableUrlRules = () =>
  applyDecorators(
    ApiProperty({ type: String, format: 'uri', nullable: true, required: false }),
    ValidateIf((_, value) => value !== null && value !== undefined),
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_URL_LENGTH),
  );

/** PUT body: `{url}`, or Human Lambdas' `{target}`, never both. */
@ApiSchema({ name: 'ChannelWebhookUpdate', description: 'Exactly one of `url` and `target`.' })
export class ChannelWebhookUpdateDto {
  /** The URL to set (same rules as a subscription URL); null clears the webhook and its token. */
  @NullableUrlRules()
  url?: string | null;

  /** Alternative name for `url` (Human Lambdas); send one of the two. */
  @NullableUrlRules()
  target?: string | null;

  /** `envelope` (default) or `data` (the event data alone). */
  @OptionalNotNull()
  @IsIn(PAYLOAD_FORMATS, { message: `payload_format must be one of: ${PAYLOAD_FORMATS.join(', ')}` })
  payload_format?: PayloadFormat;
}

export class ChannelExecutionsQueryDto {
  /** Page number, from 1 (default 1). */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 999_999_999, required: false, example: 1 })
  @IsOptional()
  @Matches(PAGE_PATTERN, { message: 'page must be an integer between 1 and 999999999' })
  page?: string;
}
