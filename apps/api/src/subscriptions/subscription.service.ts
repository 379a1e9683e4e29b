import { SystemEventType } from '@app/domain/event-matching';
import { Inject, Injectable } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { channelsWithinScope, type AccessScope } from '@app/domain/access-scope';
import { EventTypeCatalog } from '@app/catalog';
import { SubscriptionRepository, type SubscriptionChanges } from '@app/database/repositories/subscription.repository';
import { notFound } from '@app/domain/errors';
import { newId } from '@app/domain/ids';
import { SecretCipher } from '@app/domain/secret-cipher';
import type { SignatureScheme } from '@app/domain/signing';
import { assertTargetUrl, type UrlPolicy } from '@app/domain/url-policy';
import type { Subscription } from '@app/generated/prisma/client';
import { EventService } from '../events/event.service';
import { DEFAULT_GRACE_SECONDS, type SecretRotateDto, type SubscriptionCreateDto, type SubscriptionUpdateDto } from './subscription.dto';
import { SubscriptionFilterService } from './subscription-filter.service';
import { SubscriptionKeys } from './subscription-keys';
import { toSubscriptionResponse, type SubscriptionResponseDto } from './subscription.response';

export const TEST_EVENT_TYPE = SystemEventType.Test;

@Injectable()
export class SubscriptionService {
  private readonly urlPolicy: UrlPolicy;
  /** Secrets and private keys are stored encrypted when ENCRYPTION_KEY is set; the worker decrypts them to sign. */
  private readonly cipher: SecretCipher;
  private readonly keys: SubscriptionKeys;

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly subscriptions: SubscriptionRepository,
    private readonly events: EventService,
    private readonly catalog: EventTypeCatalog,
    private readonly filters: SubscriptionFilterService,
  ) {
    this.urlPolicy = { allowHttp: config.allowHttpUrls, allowPrivate: config.allowPrivateUrls };
    this.cipher = new SecretCipher(config.encryptionKey);
    this.keys = new SubscriptionKeys(this.cipher);
  }

  /** Answers the new subscription with its secret (hmac) or, like every answer of an ed25519 subscription, its public key. */
  async create(scope: AccessScope, body: SubscriptionCreateDto): Promise<SubscriptionResponseDto & { secret?: string }> {
    const key = this.keys.issue(body.signature_scheme ?? 'hmac', body.secret);
    const url = assertTargetUrl(body.url, this.urlPolicy);
    await this.catalog.assertSubscribableEvents(scope.organizationId, body.events);
    if (body.filter != null) await this.filters.assertValid(scope.organizationId, body.events, body.filter);
    const subscription = await this.subscriptions.create({
      id: newId('sub'),
      organizationId: scope.organizationId,
      name: body.name,
      url,
      events: body.events,
      channels: channelsWithinScope(scope, body.channels) ?? [],
      headers: body.headers ?? {},
      ...key.columns,
      payloadFormat: body.payload_format ?? 'envelope',
      isActive: body.is_active ?? true,
      maxAttempts: body.max_attempts ?? null,
      rateLimitPerSecond: body.rate_limit_per_second ?? null,
      ordering: body.ordering ?? 'none',
      filter: body.filter ?? null,
    });
    return { ...this.toResponse(subscription), ...key.shown };
  }

  async list(scope: AccessScope): Promise<{ subscriptions: SubscriptionResponseDto[]; total: number }> {
    const subscriptions = await this.subscriptions.listLive(scope);
    return { subscriptions: subscriptions.map((subscription) => this.toResponse(subscription)), total: subscriptions.length };
  }

  async get(scope: AccessScope, id: string): Promise<SubscriptionResponseDto> {
    return this.toResponse(await this.findLive(scope, id));
  }

  async secret(scope: AccessScope, id: string): Promise<{ secret: string } | { public_key: string }> {
    return this.keys.shown(await this.findLive(scope, id));
  }

  /**
   * Replaces the signing key with a new one of the same scheme; the old one keeps signing alongside (a
   * second webhook-signature entry) until the grace period ends, so receivers can switch without
   * dropping deliveries.
   */
  async rotateSecret(
    scope: AccessScope,
    id: string,
    body: SecretRotateDto,
  ): Promise<{ secret: string; previous_secret_expires_at: string } | { public_key: string; previous_public_key_expires_at: string }> {
    const current = await this.findLive(scope, id);
    const key = this.keys.issue(current.signatureScheme as SignatureScheme, body.secret);
    const graceSeconds = body.grace_seconds ?? DEFAULT_GRACE_SECONDS;
    const now = new Date();
    const updated = await this.subscriptions.update(scope, id, { ...key.columns, ...this.keys.retire(current, graceSeconds, now) });
    if (!updated) throw notFound('Subscription');
    const expiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    return 'secret' in key.shown
      ? { secret: key.shown.secret, previous_secret_expires_at: expiresAt }
      : { public_key: key.shown.public_key, previous_public_key_expires_at: expiresAt };
  }

  async update(scope: AccessScope, id: string, body: SubscriptionUpdateDto): Promise<SubscriptionResponseDto> {
    const changes: SubscriptionChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.url !== undefined) changes.url = assertTargetUrl(body.url, this.urlPolicy);
    if (body.events !== undefined) {
      await this.catalog.assertSubscribableEvents(scope.organizationId, body.events);
      changes.events = body.events;
    }
    await this.assertFilterStillValid(scope, id, body);
    if (body.filter !== undefined) changes.filter = body.filter;
    if (body.channels !== undefined) changes.channels = channelsWithinScope(scope, body.channels);
    if (body.headers !== undefined) changes.headers = body.headers;
    if (body.payload_format !== undefined) changes.payloadFormat = body.payload_format;
    if (body.max_attempts !== undefined) changes.maxAttempts = body.max_attempts;
    if (body.rate_limit_per_second !== undefined) changes.rateLimitPerSecond = body.rate_limit_per_second;
    if (body.ordering !== undefined) changes.ordering = body.ordering;
    Object.assign(changes, await this.keyChanges(scope, id, body));
    if (body.is_active !== undefined) {
      changes.isActive = body.is_active;
      // Re-enabling clears why it was disabled and restarts the failing-endpoint clock.
      if (body.is_active) Object.assign(changes, { disabledReason: null, failingSince: null });
    }
    const updated = await this.subscriptions.update(scope, id, changes);
    if (!updated) throw notFound('Subscription');
    return this.toResponse(updated);
  }

  async remove(scope: AccessScope, id: string): Promise<void> {
    if (!(await this.subscriptions.softDelete(scope, id))) throw notFound('Subscription');
  }

  /** Sends a webhook.test event to this subscription only, whatever its event filter. */
  async sendTest(scope: AccessScope, id: string): Promise<{ message: string; event_id: string }> {
    const subscription = await this.findLive(scope, id);
    const event = await this.events.accept({
      organizationId: scope.organizationId,
      eventType: TEST_EVENT_TYPE,
      data: { message: 'This is a test webhook from Hookline', subscription_id: subscription.id },
      targetSubscriptionId: subscription.id,
    });
    return { message: 'Test webhook sent successfully', event_id: event.id };
  }

  /**
   * A PATCH of `filter` or of `events` (which choose the schemas the filter is checked against)
   * re-checks the filter the subscription will have; clearing it needs no check.
   */
  private async assertFilterStillValid(scope: AccessScope, id: string, body: SubscriptionUpdateDto): Promise<void> {
    if (body.filter === null || (body.filter === undefined && body.events === undefined)) return;
    const current = body.filter === undefined || body.events === undefined ? await this.findLive(scope, id) : null;
    const filter = body.filter !== undefined ? body.filter : current?.filter;
    if (filter == null) return;
    await this.filters.assertValid(scope.organizationId, body.events ?? current?.events ?? [], filter);
  }

  /**
   * PATCH of signature_scheme and secret. A new scheme gets a new key, the old key signing on for the
   * default grace period (like a rotation); a PATCHed secret replaces the old one at once (rotation with
   * a grace period is its own endpoint).
   */
  private async keyChanges(scope: AccessScope, id: string, body: SubscriptionUpdateDto): Promise<SubscriptionChanges> {
    if (body.signature_scheme === undefined && body.secret === undefined) return {};
    const current = await this.findLive(scope, id);
    const scheme = body.signature_scheme ?? (current.signatureScheme as SignatureScheme);
    if (scheme === current.signatureScheme && body.secret === undefined) return {};
    const key = this.keys.issue(scheme, body.secret);
    if (scheme === current.signatureScheme) return { ...key.columns, previousSecret: null, previousSecretExpiresAt: null };
    return { ...key.columns, ...this.keys.retire(current, DEFAULT_GRACE_SECONDS, new Date()) };
  }

  private async findLive(scope: AccessScope, id: string): Promise<Subscription> {
    const subscription = await this.subscriptions.findLive(scope, id);
    if (!subscription) throw notFound('Subscription');
    return subscription;
  }

  private toResponse(subscription: Subscription): SubscriptionResponseDto {
    return toSubscriptionResponse(subscription, this.config.retryMaxAttempts);
  }
}
