import { redactApiKeys, redactDeviceLibraryIdentifiers } from '../../src/app.module';

describe('redactApiKeys (the request URL as logged)', () => {
  it('replaces the values of api_key and api_token, in any letter case', () => {
    expect(redactApiKeys('/API/wxml/1.3/index.php?action=getpasstemplateids&api_key=pg_secret&x=1')).toBe(
      '/API/wxml/1.3/index.php?action=getpasstemplateids&api_key=[redacted]&x=1',
    );
    expect(redactApiKeys('/api/v1/templates?API_TOKEN=pg_secret')).toBe('/api/v1/templates?API_TOKEN=[redacted]');
  });

  it('recognises the names however they are encoded, as the query parser decodes them', () => {
    for (const name of ['api%5Fkey', 'api%5fKEY', '%61pi_key', 'api%5Ftoken', 'api_key[]', 'api_key%5B%5D']) {
      expect(redactApiKeys(`/p?${name}=pg_secret&action=a`)).toBe(`/p?${name}=[redacted]&action=a`);
    }
  });

  it('leaves other parameters, paths without a query and malformed encodings alone', () => {
    expect(redactApiKeys('/health')).toBe('/health');
    expect(redactApiKeys('/p?api_keyring=1&my_api_key=2&%E0%A4%A=3')).toBe('/p?api_keyring=1&my_api_key=2&%E0%A4%A=3');
  });
});

describe('redactDeviceLibraryIdentifiers (Wallet’s device secret kept out of request logs)', () => {
  it('replaces the device segment of the Wallet routes, and nothing else', () => {
    expect(redactDeviceLibraryIdentifiers('/wallet/v1/devices/c7a8e0a6f9b2/registrations/pass.x?passesUpdatedSince=12')).toBe(
      '/wallet/v1/devices/[redacted]/registrations/pass.x?passesUpdatedSince=12',
    );
    expect(redactDeviceLibraryIdentifiers('/wallet/v1/passes/pass.x/SERIAL')).toBe('/wallet/v1/passes/pass.x/SERIAL');
    expect(redactDeviceLibraryIdentifiers('/api/v1/devices/x')).toBe('/api/v1/devices/x');
  });
});
