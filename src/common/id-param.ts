import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from './errors/domain-error.js';

/** Ids are UUIDs: anything else is refused before it reaches a query. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError(400, 'invalid_id', 'the id must be a UUID'),
});
