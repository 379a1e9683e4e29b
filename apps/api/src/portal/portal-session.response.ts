import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'PortalSession' })
export class PortalSessionResponseDto {
  /** Portal session id (for revocation). */
  id: string;
  /** The bearer token; shown only in this answer (only a hash is stored). */
  token: string;
  /** `<PUBLIC_URL>/portal#token=<token>`: the token rides in the fragment, so it never reaches a server log. */
  url: string;
  /** The tenant (channel). */
  tenant: string;
  /** Whether writes are refused. */
  read_only: boolean;
  /** When the token stops working (401 token_expired after). */
  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}
