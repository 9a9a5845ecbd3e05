import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { DEFAULT_HTTP_TIMEOUTS, timeoutServerOptions } from './http-timeouts.js';

describe('HTTP server timeouts', () => {
  it('defaults to 10 s for headers, 60 s for a request and 5 s idle, checked every second', () => {
    expect(timeoutServerOptions(DEFAULT_HTTP_TIMEOUTS)).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 60_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    });
  });

  it('refuses a headers timeout longer than the request it is part of, naming both keys', () => {
    expect(() =>
      timeoutServerOptions({
        headersTimeoutSeconds: 30,
        requestTimeoutSeconds: 20,
        keepAliveTimeoutSeconds: 5,
      }),
    ).toThrow(ConfigError);
    expect(() =>
      timeoutServerOptions({
        headersTimeoutSeconds: 30,
        requestTimeoutSeconds: 20,
        keepAliveTimeoutSeconds: 5,
      }),
    ).toThrow(/headersTimeoutSeconds \(30\) must not exceed requestTimeoutSeconds \(20\)/);
  });
});
