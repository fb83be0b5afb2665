import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../domain/errors.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** class-validator errors as one entry per field path ("places.0.total"). */
export function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** whitelist + forbidNonWhitelisted: unknown fields are refused, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // implicit conversion would turn "false" into true; DTOs convert explicitly
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new DomainError('invalid_input', 'validation_failed', `invalid input: ${fields.map((f) => f.field).join(', ')}`, { fields });
    },
  });
}
