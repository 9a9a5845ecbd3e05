/**
 * Largest OpenAPI document read from a file or a URL. On its own so that a size check (the console's generate
 * body cap) can know it without loading the OpenAPI reader and the http server's client behind it.
 */
export const MAX_OPENAPI_BYTES = 8 * 1024 * 1024;
