/**
 * errors — every way a request can fail, with its HTTP status and a stable code, in one table:
 * the server answers each with `{ "error": { "code", "message" } }` and that status, and
 * docs/deploying.md prints this table. A failed request changes nothing for the next one.
 */
export const ERRORS = {
  empty_body: { status: 400, when: 'the body is empty' },
  invalid_json: { status: 400, when: 'Content-Type is application/json but the body is not JSON' },
  invalid_parameter: { status: 400, when: 'a query parameter is malformed (top_k not an integer in 1…classes, model not a string)' },
  undecodable_image: { status: 400, when: 'the bytes start like a PNG or JPEG but the decoder rejects them (truncated, corrupt)' },
  unknown_model: { status: 404, when: 'no model of that name is loaded' },
  not_found: { status: 404, when: 'no such route' },
  method_not_allowed: { status: 405, when: 'a method other than POST on /v1/classify (the Allow header says POST)' },
  payload_too_large: { status: 413, when: 'the body is larger than the limit (the message gives it)' },
  unsupported_media_type: { status: 415, when: 'a Content-Type other than image/png, image/jpeg, application/octet-stream or application/json' },
  not_an_image: { status: 415, when: 'an image Content-Type, but the bytes are neither PNG nor JPEG' },
  missing_pixels: { status: 422, when: 'JSON without a "pixels" array' },
  wrong_shape: { status: 422, when: 'JSON pixels not H × W (grey) or H × W × 3 (RGB) of the model\'s input size' },
  invalid_pixels: { status: 422, when: 'JSON pixels that are not finite numbers in 0…255' },
  image_too_small: { status: 422, when: 'an image smaller than the model\'s input on either side (enlarging would invent detail)' },
  image_too_large: { status: 422, when: 'an image of more than 16.7 million pixels (checked before decoding)' },
  overloaded: { status: 503, when: 'the queue is full (the Retry-After header says when to try again)' },
  shutting_down: { status: 503, when: 'the server is shutting down (in-flight requests still finish)' },
  internal: { status: 500, when: 'a bug: the message says what failed' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** A request that cannot be served, with its code and what went wrong. */
export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.status = ERRORS[code].status;
  }
}
