import { ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

@ApiSchema({ name: 'OrganizationCreate' })
export class OrganizationCreateDto {
  /** Display name. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}
