import { describe, expect, it } from 'vitest';
import { LoginLimits, clientKey } from './login-limits.js';

describe('clientKey', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0002::', '2001:db8:0:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.7', '64:ff9b:0:0::/64'],
  ])('counts %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe('LoginLimits.lockedMessage', () => {
  it('says how long is left, in seconds or minutes', () => {
    expect(LoginLimits.lockedMessage(42)).toMatch(/try again in 42 seconds$/);
    expect(LoginLimits.lockedMessage(14 * 60 + 1)).toMatch(/try again in 15 minutes$/);
  });
});
