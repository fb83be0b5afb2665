import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../domain/errors.js';
import { NO_PERSONAL_DATA } from './personal-data.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** class-validator errors as one entry per field path ("places.0.total"). */
/** Fields holding personal data (see NoPersonalData), with the kind found; the value is never named. */
export function personalDataIn(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const found = e.constraints?.[NO_PERSONAL_DATA];
    return [...(found ? [{ field, problems: [found] }] : []), ...personalDataIn(e.children ?? [], field)];
  });
}

/** 422 personal_data_in_text: whatever else is wrong, a field that identifies a person is answered as such. */
export const personalDataInText = (fields: FieldProblem[]) =>
  new DomainError(
    'rule_broken',
    'personal_data_in_text',
    `free text may not identify a person (phone numbers, e-mail addresses, fiscal codes, IBANs, document numbers): ${fields
      .map((f) => f.field)
      .join(', ')}`,
    { field: fields[0].field, fields },
  );

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
      const personal = personalDataIn(errors);
      if (personal.length) return personalDataInText(personal);
      const fields = flatten(errors);
      return new DomainError('invalid_input', 'validation_failed', `invalid input: ${fields.map((f) => f.field).join(', ')}`, { fields });
    },
  });
}
