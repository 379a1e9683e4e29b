import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class OrganizationCreateDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}
