import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CHANNEL_PATTERN } from '@app/domain/event-matching';
import { OptionalNotNull } from '../common/validators';

export const MIN_PORTAL_SESSION_SECONDS = 60;
export const MAX_PORTAL_SESSION_SECONDS = 7 * 24 * 3600;
export const DEFAULT_PORTAL_SESSION_SECONDS = 3600;

/** POST /v1/portal/sessions. */
export class PortalSessionCreateDto {
  /** The channel the session is narrowed to. */
  @IsString()
  @Matches(CHANNEL_PATTERN, { message: 'tenant must be a channel name: 1 to 128 characters of [A-Za-z0-9_.:-]' })
  tenant: string;

  @OptionalNotNull()
  @IsInt()
  @Min(MIN_PORTAL_SESSION_SECONDS)
  @Max(MAX_PORTAL_SESSION_SECONDS)
  expires_in_seconds?: number;

  @OptionalNotNull()
  @IsBoolean()
  read_only?: boolean;
}

export interface PortalSessionResponseDto {
  id: string;
  /** Shown once: only its hash is stored. */
  token: string;
  /** `<PUBLIC_URL>/portal#token=<token>`: in the fragment, so the token never reaches a server log. */
  url: string;
  tenant: string;
  read_only: boolean;
  expires_at: string;
}
