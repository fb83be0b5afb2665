import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLOCK, SystemClock } from './clock.js';
import { AddressCipher } from './crypto/address-cipher.js';

@Global()
@Module({
  providers: [
    { provide: CLOCK, useClass: SystemClock },
    { provide: AddressCipher, useFactory: (c: AppConfig) => new AddressCipher(c.addressEncryptionKey), inject: [APP_CONFIG] },
  ],
  exports: [CLOCK, AddressCipher],
})
export class CommonModule {}
