import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';

export class PushKeysDto {
  @ApiProperty({
    pattern: /^[A-Za-z0-9_-]{86,88}={0,2}$/.source,
    description: "the browser's P-256 public key, base64url (65 bytes)",
    example: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{86,88}={0,2}$/, { message: 'keys.p256dh must be a base64url P-256 public key' })
  p256dh: string;

  @ApiProperty({
    pattern: /^[A-Za-z0-9_-]{22}={0,2}$/.source,
    description: "the browser's authentication secret, base64url (16 bytes)",
    example: 'tBHItJI5svbpez7KI4CCXg',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}={0,2}$/, { message: 'keys.auth must be a base64url 16-byte secret' })
  auth: string;
}

/** What PushSubscription.toJSON() gives in the browser (expirationTime is ignored). */
export class CreatePushSubscriptionDto {
  @ApiProperty({ format: 'uri', example: 'https://fcm.googleapis.com/fcm/send/…' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false, allow_underscores: true })
  endpoint: string;

  @ApiProperty({ type: PushKeysDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys: PushKeysDto;

  @ApiPropertyOptional({ type: Number, nullable: true, description: "the browser's own expiry, if any (not used)" })
  @IsOptional()
  @IsInt()
  expirationTime?: number | null;
}

export class PushKeyDto {
  @ApiProperty({ description: 'the VAPID public key (applicationServerKey), base64url' }) publicKey: string;
}

export class PushSubscriptionCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}
