/**
 * Lua for Redis's own clock in ms. Scripts that stamp or expire entries read it rather
 * than the calling node's, so every api node agrees on what has run out.
 */
export const LUA_NOW_MS_FN = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** The same, as a `now` local at the top of a script. */
export const LUA_NOW = `${LUA_NOW_MS_FN}local now = now_ms()
`;
