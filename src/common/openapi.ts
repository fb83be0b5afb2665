import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
  type OpenAPIObject,
} from '@nestjs/swagger';

/** A field and what is wrong with it (validation_failed). */
export class FieldProblemDto {
  @ApiProperty({ example: 'places.0.total' }) field: string;
  @ApiProperty({ type: [String], example: ['total must not be greater than 500'] }) problems: string[];
}

/** The one error shape every 4xx and 5xx answer has (src/common/errors/error.filter.ts). */
export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({
    example: 'validation_failed',
    description: 'machine-readable; the codes each answer can carry are listed in its description',
  })
  code: string;
  @ApiProperty({ example: 'invalid input: name' }) message: string;
  @ApiPropertyOptional({
    type: [FieldProblemDto],
    description: 'validation_failed, and personal_data_in_text (problems: phone_number, email, fiscal_code, iban, document_number)',
  })
  fields?: FieldProblemDto[];
  @ApiPropertyOptional({
    example: 'note',
    description: 'the (first) field at fault, where one is: personal_data_in_text, unknown_province, …',
  })
  field?: string;
}

/** Codes any operation may answer, by status, whatever it does. */
const COMMON: Record<number, { codes: string[]; when: (op: Operation) => boolean }> = {
  400: {
    codes: ['validation_failed', 'malformed_json', 'invalid_id', 'invalid_characters', 'too_deep', 'bad_url'],
    when: (op) => hasInput(op),
  },
  401: { codes: ['unauthorized'], when: (op) => secured(op) },
  403: { codes: ['forbidden'], when: (op) => secured(op) },
  404: { codes: ['not_found'], when: (op) => (op.parameters ?? []).some((p) => p.in === 'path') },
  413: { codes: ['payload_too_large'], when: (op) => !!op.requestBody },
  415: { codes: ['unsupported_media_type'], when: (op) => !!op.requestBody },
  // free text never identifies a person (NoPersonalData): any body may carry free text
  422: { codes: ['personal_data_in_text'], when: (op) => !!op.requestBody },
  429: { codes: ['too_many_requests'], when: () => true },
  500: { codes: ['internal_error'], when: () => true },
  503: { codes: ['service_busy', 'database_unavailable'], when: () => true },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request',
  401: 'No valid bearer token (the answer carries WWW-Authenticate: Bearer)',
  403: 'The role may not do this',
  404: 'Not found, or outside the caller\u2019s scope',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'The body is not of a type this operation reads',
  422: 'The input is well-formed but breaks a rule',
  429: 'Too many requests',
  500: 'Internal error (no detail)',
  503: 'Temporarily unavailable; retry',
};

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const secured = (op: Operation) => (op.security ?? []).length > 0;
const hasInput = (op: Operation) => !!op.requestBody || (op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query');

function errorResponse(status: number, codes: string[]) {
  return {
    description: `${ERROR_DESCRIPTIONS[status] ?? 'Error'}. Codes: ${codes.map((c) => `\`${c}\``).join(', ')}`,
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorDto) } } },
  };
}

/**
 * Documents the specific errors of an operation (status → codes); the errors every operation
 * shares (401, 403, 404 on an id, 400 on input, 413/415 on a body, 429, 500) are added by completeDocument.
 */
export function ApiErrors(errors: Record<number, string[]>) {
  return applyDecorators(
    ApiExtraModels(ErrorDto),
    ...Object.entries(errors).map(([status, codes]) => ApiResponse({ status: Number(status), ...errorResponse(Number(status), codes) })),
  );
}

/** Adds the shared errors to every operation and merges their codes into errors already documented. */
export function completeDocument(doc: OpenAPIObject): OpenAPIObject {
  const error = doc.components?.schemas?.ErrorDto as Record<string, unknown> | undefined;
  // some codes carry details beside statusCode, code and message (field, status, currentVersion, changed…)
  if (error)
    Object.assign(error, {
      additionalProperties: true,
      description: 'Every error answer. Some codes add details (e.g. `field`, `status`, `currentVersion`, `changed`).',
    });
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Operation[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      for (const [status, common] of Object.entries(COMMON)) {
        if (!common.when(op)) continue;
        const existing = op.responses[status];
        const codes = existing?.description?.match(/`([a-z_]+)`/g)?.map((c) => c.slice(1, -1)) ?? [];
        op.responses[status] = errorResponse(Number(status), [...new Set([...codes, ...common.codes])]);
      }
    }
  }
  return doc;
}

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Documents the optional Idempotency-Key header once (a @Headers() parameter would add a second, required copy). */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: IDEMPOTENCY_HEADER,
    required: false,
    description: 'a retry with the same key returns the first answer and creates nothing (8-128 of A-Z a-z 0-9 _ . : -)',
  });

/** The Idempotency-Key header value, if any (not documented by itself: see ApiIdempotencyKey). */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  // exactly what @Headers('idempotency-key') gave: the service validates it
  return ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['idempotency-key'];
});
