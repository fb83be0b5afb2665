import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { NoPersonalData } from '../../common/personal-data.js';
import { ROLES, type Role } from '../../auth/principal.js';
import { OptionalNotNull } from '../../common/dto-helpers.js';

const FISCAL_CODE = /^[A-Za-z0-9]{11,16}$/;

/** A fiscal code as people type it off a card ("frr gli 85m41 d969x"): spaces dropped and upper case, before it is checked. */
export const FoldFiscalCode = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : value), { toClassOnly: true });

export class InviteMemberDto {
  @ApiProperty({ format: 'email', example: 'responsabile.levante@example.org' }) @IsEmail() @MaxLength(254) email: string;
  @ApiPropertyOptional({
    pattern: FISCAL_CODE.source,
    example: 'RSSMRA80A41D969X',
    description: 'the Italian fiscal code, for SPID/CIE sign-in; spaces are dropped and letters upper-cased before it is checked',
  })
  @IsOptional()
  @FoldFiscalCode()
  @Matches(FISCAL_CODE)
  fiscalCode?: string;
  @ApiPropertyOptional({ example: 'Maria Rossi', description: 'how the pages greet her' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  @NoPersonalData()
  name?: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;
  @ApiPropertyOptional({ pattern: /^[0-9]{2}$/.source, example: '07', description: 'ISTAT region code: required for a uor' })
  @IsOptional()
  @Matches(/^[0-9]{2}$/)
  regionCode?: string;
  @ApiPropertyOptional({ format: 'uuid', type: [String], description: 'facility ids: required for a shelter_manager' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  facilityIds?: string[];
  @ApiPropertyOptional({
    description:
      'a service member (a machine client: a region’s case system, a report job), administrators only: active at once, no invitation, never signs in; in only through the API keys an administrator makes for it',
  })
  @IsOptional()
  @IsBoolean()
  service?: boolean;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ pattern: FISCAL_CODE.source, description: 'spaces are dropped and letters upper-cased before it is checked' })
  @OptionalNotNull()
  @FoldFiscalCode()
  @Matches(FISCAL_CODE)
  fiscalCode?: string;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @MaxLength(120) @NoPersonalData() name?: string;
  @ApiPropertyOptional({ enum: ROLES }) @OptionalNotNull() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({
    type: String,
    pattern: /^[0-9]{2}$/.source,
    nullable: true,
    description: 'ISTAT region code (a uor); null for other roles',
  })
  @IsOptional()
  @Matches(/^[0-9]{2}$/)
  regionCode?: string | null;
  @ApiPropertyOptional({ format: 'uuid', type: [String] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  facilityIds?: string[];
}

export class MemberDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) fiscalCode: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: String, nullable: true }) regionCode: string | null;
  @ApiProperty({ type: [String] }) facilityIds: string[];
  @ApiProperty({ enum: ['invited', 'active', 'disabled'] }) status: string;
  @ApiProperty({ description: 'a machine client, in only through API keys' }) service: boolean;
  @ApiProperty({ description: 'bound to an identity of the provider (she has signed in once)' }) bound: boolean;
  @ApiProperty({ type: String, nullable: true }) lastSignInAt: string | null;
  @ApiProperty() createdAt: string;
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] }) items: MemberDto[];
}

export class InvitedDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['invited', 'active'], description: 'active at once for a service member' }) status: 'invited' | 'active';
}
