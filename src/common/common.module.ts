import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLOCK, SystemClock } from './clock.js';
import { AddressCipher } from './crypto/address-cipher.js';
import { IdempotencyRepository } from './idempotency/idempotency.repository.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';

@Global()
@Module({
  providers: [
    { provide: CLOCK, useClass: SystemClock },
    { provide: AddressCipher, useFactory: (c: AppConfig) => new AddressCipher(c.addressEncryptionKey), inject: [APP_CONFIG] },
    // Idempotency-Key, shared by the lifecycle's creating POSTs and the bed board's saves (issue 22)
    IdempotencyRepository,
    IdempotencyService,
  ],
  exports: [CLOCK, AddressCipher, IdempotencyService],
})
export class CommonModule {}
