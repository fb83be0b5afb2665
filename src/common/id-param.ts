import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../domain/errors.js';

/** Ids are UUIDs: anything else is refused before it reaches a query. */
export const UuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('invalid_input', 'invalid_id', 'the id must be a UUID'),
});
