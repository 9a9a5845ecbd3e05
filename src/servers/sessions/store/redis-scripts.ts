/**
 * Lua run atomically by Redis. A scope is one hash: `v:<key>` the value as JSON text, `n:<key>` its version,
 * `t:<key>` when it last changed. Values are never decoded in Lua (cjson would turn `[]` into `{}`).
 * A slot is a string `<holder>|<machine>` with a native TTL.
 */

const WRITE = `
local version = redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], 1)
redis.call('HSET', KEYS[1], 'v:' .. ARGV[1], ARGV[2], 't:' .. ARGV[1], ARGV[3])
return version
`;

/** KEYS: scope. ARGV: key, value JSON, now ISO. Returns the new version. */
export const SET = WRITE;

/** KEYS: scope. ARGV: key, value JSON, now ISO, expected version. Returns {1, version} or {0, version, value, updatedAt}. */
export const COMPARE_AND_SET = `
local current = tonumber(redis.call('HGET', KEYS[1], 'n:' .. ARGV[1]) or '0')
if current ~= tonumber(ARGV[4]) then
  local state = redis.call('HMGET', KEYS[1], 'v:' .. ARGV[1], 't:' .. ARGV[1])
  return {0, current, state[1], state[2]}
end
local version = redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], 1)
redis.call('HSET', KEYS[1], 'v:' .. ARGV[1], ARGV[2], 't:' .. ARGV[1], ARGV[3])
return {1, version}
`;

/**
 * KEYS: scope. ARGV: key, amount (a JSON number), now ISO. Returns {value text, version}, or an error
 * reply `NOTNUMBER` when the stored value is not a number.
 */
export const INCREMENT = `
local field = 'v:' .. ARGV[1]
local current = redis.call('HGET', KEYS[1], field)
if current and not tonumber(current) then return redis.error_reply('NOTNUMBER') end
local value
if (not current or string.match(current, '^-?%d+$')) and string.match(ARGV[2], '^-?%d+$') then
  value = redis.call('HINCRBY', KEYS[1], field, ARGV[2])
else
  value = redis.call('HINCRBYFLOAT', KEYS[1], field, ARGV[2])
end
local version = redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], 1)
redis.call('HSET', KEYS[1], 't:' .. ARGV[1], ARGV[3])
return {tostring(value), version}
`;

/** KEYS: scope. ARGV: key. Returns 1 when the key existed. */
export const DELETE = `
return redis.call('HDEL', KEYS[1], 'v:' .. ARGV[1], 'n:' .. ARGV[1], 't:' .. ARGV[1]) > 0 and 1 or 0
`;

/**
 * KEYS: candidate slot keys in order. ARGV: holder, machine, ttl ms. Takes the first key that is free or
 * already this holder's. Returns {index} (1-based), or {0, value, pttl} of the first key when it was the
 * only candidate and someone else holds it, or {0} when all are taken.
 */
export const CLAIM_SLOT = `
local mine = ARGV[1] .. '|'
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if not value or string.sub(value, 1, #mine) == mine then
    redis.call('SET', key, mine .. ARGV[2], 'PX', ARGV[3])
    return {i}
  end
end
if #KEYS == 1 then
  return {0, redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
end
return {0}
`;

/** KEYS: slot. ARGV: holder, ttl ms. Returns the slot's value when the holder still had it (now for longer), else nil. */
export const RENEW_SLOT = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return value
end
return false
`;

/** KEYS: slot. ARGV: holder. Returns 1 when the holder had it and it is now free. */
export const RELEASE_SLOT = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;
