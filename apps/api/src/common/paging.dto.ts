import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Offsets beyond this simply find nothing; capping keeps them inside PostgreSQL's integer range. */
const MAX_OFFSET = 2_147_483_647;

const NON_NEGATIVE_INTEGER = /^\d+$/;

export interface Page {
  limit: number;
  offset: number;
}

/** `?limit&offset` as sent (query values are strings); a negative or non-numeric value is a 400. */
export class PagingQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 20,
    description: `Page size: default ${DEFAULT_PAGE_LIMIT}, values above ${MAX_PAGE_LIMIT} are clamped to ${MAX_PAGE_LIMIT}; a negative or non-numeric value is a 400.`,
  })
  @IsOptional()
  @Matches(NON_NEGATIVE_INTEGER, { message: 'limit must be a non-negative integer' })
  limit?: string;

  /** Logs to skip (newest first); a negative or non-numeric value is a 400. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 0 })
  @IsOptional()
  @Matches(NON_NEGATIVE_INTEGER, { message: 'offset must be a non-negative integer' })
  offset?: string;
}

/** The page a validated query asks for: limit defaults to 50 and is clamped to 200. */
export function pageOf(query: PagingQueryDto): Page {
  const limit = query.limit === undefined ? DEFAULT_PAGE_LIMIT : Math.min(Number(query.limit), MAX_PAGE_LIMIT);
  const offset = query.offset === undefined ? 0 : Math.min(Number(query.offset), MAX_OFFSET);
  return { limit, offset };
}
