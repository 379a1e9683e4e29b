import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'CurrentPortalSession' })
export class CurrentPortalSessionResponseDto {
  /** Portal session id. */
  id: string;
  /** The tenant (channel) the token is narrowed to. */
  tenant: string;
  /** Whether writes are refused (403). */
  read_only: boolean;
  /** When the token stops working (401 token_expired after). */
  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}
