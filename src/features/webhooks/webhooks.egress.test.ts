import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './webhooks.egress.js';

const defaults = new EgressPolicy({ allowPublic: true, allowedHosts: [], allowedNetworks: [] });

describe('webhook egress policy', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '172.20.1.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('refuses %s by default', (address) => {
    expect(defaults.refusal(address)).toMatch(/not a public address/);
  });

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s by default',
    (address) => {
      expect(defaults.refusal(address)).toBeUndefined();
    },
  );

  it('allows listed addresses and networks, and with public denied nothing else', () => {
    const policy = new EgressPolicy({
      allowPublic: false,
      allowedHosts: ['hooks.internal'],
      allowedNetworks: ['10.1.0.0/16', '127.0.0.1'],
    });
    expect(policy.refusal('10.1.2.3')).toBeUndefined();
    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('127.0.0.2')).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    expect(policy.refusal('1.1.1.1')).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    expect(policy.urlRefusal('http://hooks.internal/x')).toBeUndefined();
    expect(policy.urlRefusal('http://example.com/x')).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    expect(policy.urlRefusal('http://10.1.0.9:8080/x')).toBeUndefined();
  });

  it.each([
    ['ftp://example.com/x', /http or https/],
    ['http://user:pass@example.com/x', /credentials/],
    ['not a url', /not a valid URL/],
    ['http://[::1]:8080/x', /not a public address/],
  ])('refuses the URL %s', (url, reason) => {
    expect(defaults.urlRefusal(url)).toMatch(reason);
  });
});
