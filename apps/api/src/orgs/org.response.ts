import { ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'OrganizationCreated' })
export class OrganizationCreatedResponseDto {
  /** Organization id. */
  id: string;
  /** Display name. */
  name: string;
  /** Its first API key; shown only in this answer (only a hash is stored). */
  api_key: string;
}

@ApiSchema({ name: 'ApiKeyCreated' })
export class ApiKeyCreatedResponseDto {
  /** API key id (for revocation). */
  id: string;
  /** The key; shown only in this answer. */
  api_key: string;
}
