import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Query strings carry text: map "true"/"false" explicitly (Boolean("false") is true). */
export const ToBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value), { toClassOnly: true });

/** Query strings carry text: numbers only when the whole string is one. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value), { toClassOnly: true });

export const UUID_VERSION = 'all' as const;

/** Optional, but never null: IsOptional lets null through to NOT NULL columns. */
export const OptionalNotNull = () => ValidateIf((_o, value) => value !== undefined);

/** A phone number in E.164 form (`+39…`): facilities' and UORs' on-call numbers. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
