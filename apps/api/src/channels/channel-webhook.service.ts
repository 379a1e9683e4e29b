import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { ChannelWebhookRepository, isChannelTaken, type ChannelWebhookChanges } from '@app/database/repositories/channel-webhook.repository';
import { DomainError, notFound } from '@app/domain/errors';
import { newId } from '@app/domain/ids';
import { SecretCipher } from '@app/domain/secret-cipher';
import { assertTargetUrl, type UrlPolicy } from '@app/domain/url-policy';
import type { Subscription } from '@app/generated/prisma/client';
import type { ChannelExecutionsQueryDto, ChannelWebhookUpdateDto } from './channel-webhook.dto';
import {
  NO_CHANNEL_WEBHOOK,
  toChannelExecutionResponse,
  type ChannelExecutionListResponseDto,
  type ChannelWebhookResponseDto,
} from './channel-webhook.response';

export const EXECUTIONS_PER_PAGE = 50;

/** Two PUTs racing to create a channel's webhook: the loser finds the winner's row on its next try. */
const MAX_SET_TRIES = 3;

/** The shared token of a channel webhook: sent in the token header and used as the signing secret. */
function generateToken(): string {
  return `whk_${randomBytes(24).toString('base64url')}`;
}

/** The URL a PUT asks for (null clears it), from `url` or Human Lambdas' `target`. */
function requestedUrl(body: ChannelWebhookUpdateDto): { field: 'url' | 'target'; url: string | null } {
  const hasUrl = body.url !== undefined;
  const hasTarget = body.target !== undefined;
  if (hasUrl === hasTarget) {
    throw new DomainError('validation_failed', 'The request is invalid.', [
      { field: 'url', message: hasUrl ? 'send either url or target, not both' : 'url (or target) is required; send null to clear the webhook' },
    ]);
  }
  return hasUrl ? { field: 'url', url: body.url ?? null } : { field: 'target', url: body.target ?? null };
}

/** One webhook per channel per organization (Handinger's worker webhook, Human Lambdas' queue webhook). */
@Injectable()
export class ChannelWebhookService {
  private readonly urlPolicy: UrlPolicy;
  /** Tokens are stored encrypted when ENCRYPTION_KEY is set; the worker decrypts them to send and sign. */
  private readonly cipher: SecretCipher;

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly webhooks: ChannelWebhookRepository,
  ) {
    this.urlPolicy = { allowHttp: config.allowHttpUrls, allowPrivate: config.allowPrivateUrls };
    this.cipher = new SecretCipher(config.encryptionKey);
  }

  async get(organizationId: string, channel: string): Promise<ChannelWebhookResponseDto> {
    const webhook = await this.webhooks.findLive(organizationId, channel);
    return webhook ? this.toResponse(webhook) : NO_CHANNEL_WEBHOOK;
  }

  /** Sets or replaces the URL; the token is made the first time and kept by later updates. */
  async set(organizationId: string, channel: string, body: ChannelWebhookUpdateDto): Promise<ChannelWebhookResponseDto> {
    const requested = requestedUrl(body);
    if (requested.url === null) return this.remove(organizationId, channel);
    const url = assertTargetUrl(requested.url, this.urlPolicy, requested.field);
    const changes: ChannelWebhookChanges = {
      url,
      // Setting the URL again is how an owner brings back a webhook the worker disabled for failing.
      isActive: true,
      disabledReason: null,
      failingSince: null,
      ...(body.payload_format !== undefined && { payloadFormat: body.payload_format }),
    };
    for (let tries = 1; ; tries++) {
      const updated = await this.webhooks.update(organizationId, channel, changes);
      if (updated) return this.toResponse(updated);
      try {
        const created = await this.webhooks.create({
          id: newId('sub'),
          organizationId,
          channel,
          name: `channel:${channel}`,
          url,
          secret: this.cipher.encrypt(generateToken()),
          payloadFormat: body.payload_format ?? 'envelope',
        });
        return this.toResponse(created);
      } catch (error) {
        if (!isChannelTaken(error) || tries >= MAX_SET_TRIES) throw error;
      }
    }
  }

  /** Clears URL and token; deliveries not yet made are cancelled. Answers the same when none was set. */
  async remove(organizationId: string, channel: string): Promise<ChannelWebhookResponseDto> {
    await this.webhooks.softDelete(organizationId, channel);
    return NO_CHANNEL_WEBHOOK;
  }

  /**
   * Replaces the token at once, with no grace period: the worker reads the secret at every attempt,
   * so even retries already scheduled carry the new token.
   */
  async regenerateToken(organizationId: string, channel: string): Promise<ChannelWebhookResponseDto> {
    const updated = await this.webhooks.update(organizationId, channel, { secret: this.cipher.encrypt(generateToken()) });
    if (!updated) throw notFound('Channel webhook');
    return this.toResponse(updated);
  }

  /** The channel's HTTP attempts, newest first, including those of webhooks it had before. */
  async executions(organizationId: string, channel: string, query: ChannelExecutionsQueryDto): Promise<ChannelExecutionListResponseDto> {
    const page = query.page === undefined ? 1 : Number(query.page);
    const { attempts, total } = await this.webhooks.listAttempts(organizationId, channel, {
      limit: EXECUTIONS_PER_PAGE,
      offset: (page - 1) * EXECUTIONS_PER_PAGE,
    });
    return {
      logs: attempts.map((attempt) => toChannelExecutionResponse(attempt, channel)),
      page,
      page_count: Math.ceil(total / EXECUTIONS_PER_PAGE),
      total_count: total,
    };
  }

  private toResponse(webhook: Subscription): ChannelWebhookResponseDto {
    return { url: webhook.url, token: this.cipher.decrypt(webhook.secret) };
  }
}
