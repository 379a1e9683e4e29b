import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards, UseInterceptors, type Type } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { AccessScope } from '@app/domain/access-scope';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { CallerScope } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { SecretRotateDto, SubscriptionCreateDto, SubscriptionUpdateDto } from './subscription.dto';
import { PUBLIC_KEY, SECRET, SUBSCRIPTION_ID, filterTestExample, subscriptionCreateExample, subscriptionExample } from './subscription.examples';
import {
  PublicKeyRotatedResponseDto,
  SecretRotatedResponseDto,
  SubscriptionListResponseDto,
  SubscriptionPublicKeyResponseDto,
  SubscriptionResponseDto,
  SubscriptionSecretResponseDto,
  SubscriptionWithSecretResponseDto,
  TestWebhookSentResponseDto,
} from './subscription.response';
import { FilterTestDto, FilterTestResponseDto } from './subscription-filter.dto';
import { SubscriptionFilterService } from './subscription-filter.service';
import { OptionalBodyInterceptor } from './optional-body.interceptor';
import { SubscriptionService } from './subscription.service';

const SubscriptionId = () => ApiParam({ name: 'id', description: 'Subscription id.', example: SUBSCRIPTION_ID });
/** One schema per signature scheme: hmac subscriptions answer their secret, ed25519 ones their public key. */
const oneOf = (...types: Type<unknown>[]) => ({ oneOf: types.map((type) => ({ $ref: getSchemaPath(type) })) });
const PREVIOUS_EXPIRES_AT = '2025-07-01T10:30:00.000Z';

/** Org-wide webhook subscriptions. The logs routes under v1/webhooks live in LogController. */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
@AllowPortal()
@ApiTags('Subscriptions')
@ApiAccess('apiKey')
export class SubscriptionController {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly filters: SubscriptionFilterService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createSubscription', summary: 'Create a subscription' })
  @ApiJsonBody(SubscriptionCreateDto, subscriptionCreateExample)
  @ApiCreatedResponse({
    description: 'Created; the only answer besides GET .../secret that shows an HMAC secret. An ed25519 subscription answers its `public_key` instead.',
    type: SubscriptionWithSecretResponseDto,
    examples: {
      hmac: { summary: 'signature_scheme hmac (default)', value: { ...subscriptionExample, secret: SECRET } },
      ed25519: { summary: 'signature_scheme ed25519', value: { ...subscriptionExample, signature_scheme: 'ed25519', public_key: PUBLIC_KEY } },
    },
  })
  create(@CallerScope() scope: AccessScope, @Body() body: SubscriptionCreateDto) {
    return this.subscriptions.create(scope, body);
  }

  /** Declared before the `:id` routes; a literal segment never reads as an id. */
  @Post('filter-test')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'testSubscriptionFilter',
    summary: 'Try a payload filter on an event',
    description:
      'Checks the filter as saving a subscription would (the same 400s, schema check included: against `events` when given, else the event type) and says whether the event matches it. Stores nothing.',
  })
  @ApiJsonBody(FilterTestDto, filterTestExample)
  @ApiOkResponse({ description: 'Whether the event matches the filter.', type: FilterTestResponseDto, example: { matches: true } })
  testFilter(@CallerScope() scope: AccessScope, @Body() body: FilterTestDto) {
    return this.filters.test(scope.organizationId, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listSubscriptions', summary: 'List subscriptions', description: 'Channel webhooks are not listed here (see /v1/channels).' })
  @ApiOkResponse({ description: 'The subscriptions.', type: SubscriptionListResponseDto, example: { subscriptions: [subscriptionExample], total: 1 } })
  list(@CallerScope() scope: AccessScope) {
    return this.subscriptions.list(scope);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getSubscription', summary: 'Get a subscription' })
  @SubscriptionId()
  @ApiOkResponse({ description: 'The subscription.', type: SubscriptionResponseDto, example: subscriptionExample })
  @ApiErrors('NotFound')
  get(@CallerScope() scope: AccessScope, @Param('id') id: string) {
    return this.subscriptions.get(scope, id);
  }

  @Get(':id/secret')
  @ApiOperation({ operationId: 'getSubscriptionSecret', summary: 'Get the signing secret (or public key)' })
  @SubscriptionId()
  @ApiExtraModels(SubscriptionSecretResponseDto, SubscriptionPublicKeyResponseDto)
  @ApiOkResponse({
    description: 'The current secret of an hmac subscription; the public key of an ed25519 one (its private key never leaves Hookline).',
    schema: oneOf(SubscriptionSecretResponseDto, SubscriptionPublicKeyResponseDto),
    examples: { hmac: { summary: 'hmac', value: { secret: SECRET } }, ed25519: { summary: 'ed25519', value: { public_key: PUBLIC_KEY } } },
  })
  @ApiErrors('NotFound')
  secret(@CallerScope() scope: AccessScope, @Param('id') id: string) {
    return this.subscriptions.secret(scope, id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @UseInterceptors(OptionalBodyInterceptor)
  @ApiOperation({
    operationId: 'rotateSubscriptionSecret',
    summary: 'Rotate the signing secret (or key pair)',
    description:
      'An hmac subscription gets a new secret, an ed25519 one a new key pair. Deliveries during the grace period carry both signatures in `webhook-signature`, so receivers can switch without dropping any.',
  })
  @SubscriptionId()
  @ApiJsonBody(SecretRotateDto, { grace_seconds: 3600 }, { required: false })
  @ApiExtraModels(SecretRotatedResponseDto, PublicKeyRotatedResponseDto)
  @ApiOkResponse({
    description: 'The new secret (or public key) and when the previous one stops signing.',
    schema: oneOf(SecretRotatedResponseDto, PublicKeyRotatedResponseDto),
    examples: {
      hmac: { summary: 'hmac', value: { secret: 'whsec_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0', previous_secret_expires_at: PREVIOUS_EXPIRES_AT } },
      ed25519: { summary: 'ed25519', value: { public_key: PUBLIC_KEY, previous_public_key_expires_at: PREVIOUS_EXPIRES_AT } },
    },
  })
  @ApiErrors('NotFound')
  rotateSecret(@CallerScope() scope: AccessScope, @Param('id') id: string, @Body() body: SecretRotateDto) {
    return this.subscriptions.rotateSecret(scope, id, body);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateSubscription', summary: 'Update a subscription' })
  @SubscriptionId()
  @ApiJsonBody(SubscriptionUpdateDto, { is_active: true, events: ['order.*'] })
  @ApiOkResponse({
    description: 'The updated subscription.',
    type: SubscriptionResponseDto,
    example: { ...subscriptionExample, events: ['order.*'], updated_at: '2025-07-02T08:00:00.000Z' },
  })
  @ApiErrors('NotFound')
  update(@CallerScope() scope: AccessScope, @Param('id') id: string, @Body() body: SubscriptionUpdateDto) {
    return this.subscriptions.update(scope, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteSubscription',
    summary: 'Delete a subscription',
    description: 'Its pending deliveries are cancelled; its logs stay readable through /v1/webhooks/logs/all.',
  })
  @SubscriptionId()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors('NotFound')
  async remove(@CallerScope() scope: AccessScope, @Param('id') id: string): Promise<void> {
    await this.subscriptions.remove(scope, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'sendTestWebhook',
    summary: 'Send a test event to this subscription',
    description: 'An event of type `webhook.test`, delivered to this subscription only whatever its filter.',
  })
  @SubscriptionId()
  @ApiAcceptedResponse({
    description: 'Accepted for delivery.',
    type: TestWebhookSentResponseDto,
    example: { message: 'Test webhook sent successfully', event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP' },
  })
  @ApiErrors('NotFound')
  sendTest(@CallerScope() scope: AccessScope, @Param('id') id: string) {
    return this.subscriptions.sendTest(scope, id);
  }
}
