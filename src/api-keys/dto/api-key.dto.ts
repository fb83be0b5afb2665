import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoPersonalData } from '../../common/personal-data.js';
import { IsDateString, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Sistema casi Liguria', description: 'what the key is for (1 to 80 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  // a label for people, shown in lists: no control characters
  @Matches(/^[^\u0000-\u001f\u007f]*\S[^\u0000-\u001f\u007f]*$/, { message: 'name must be printable text' })
  @NoPersonalData()
  name: string;
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-03-01T00:00:00Z',
    description: 'default: 90 days from now; at most a year from now',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'an administrator makes a key for a service member; anyone else makes her own (omit it)',
  })
  @IsOptional()
  @IsUUID('all')
  memberId?: string;
}

export class ApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'apk_Xy3kP0aZ', description: 'the key’s first characters, to tell keys apart' }) prefix: string;
  @ApiProperty() memberId: string;
  @ApiProperty({ description: 'the e-mail of the member the key acts as' }) memberEmail: string;
  @ApiProperty({ type: String, nullable: true }) memberName: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'recorded at most once a minute' }) lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'apk_Xy3kP0aZ…', description: 'the key: shown this once, never again (only its hash is kept)' }) key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
}

export class ListApiKeysQueryDto {
  @ApiPropertyOptional({ description: 'only this member’s keys' }) @IsOptional() @IsUUID('all') memberId?: string;
}
