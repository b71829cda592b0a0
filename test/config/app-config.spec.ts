import { ConfigurationError, loadAppConfig } from '../../src/config/app-config';

describe('loadAppConfig', () => {
  it('defaults to port 3000, SQLite under data/ and certs/', () => {
    const config = loadAppConfig({}, '/srv/passgate');
    expect(config.port).toBe(3000);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.webServiceUrl).toBe('http://localhost:3000/wallet');
    expect(config.databaseUrl).toBe('sqlite:data/passgate.sqlite');
    expect(config.certsDir).toBe('/srv/passgate/certs');
    expect(config.pushMode).toBeNull();
    expect(config.apnsHost).toBe('api.push.apple.com');
    expect(config.apnsPort).toBe(443);
    expect(config.signerKeyPassphrase).toBeNull();
  });

  it('reads every variable', () => {
    const config = loadAppConfig(
      {
        PORT: '8080',
        PUBLIC_BASE_URL: 'https://passes.example.com/',
        DATABASE_URL: 'postgres://app@db:5432/passgate',
        CERTS_DIR: '/etc/passgate',
        PUSH_MODE: 'apns',
        APNS_HOST: 'localhost',
        APNS_PORT: '8443',
        SIGNER_KEY_PASSPHRASE: 'secret',
      },
      '/srv',
    );
    expect(config.port).toBe(8080);
    expect(config.publicBaseUrl).toBe('https://passes.example.com');
    expect(config.databaseUrl).toBe('postgres://app@db:5432/passgate');
    expect(config.certsDir).toBe('/etc/passgate');
    expect(config.pushMode).toBe('apns');
    expect(config.apnsPort).toBe(8443);
    expect(config.signerKeyPassphrase).toBe('secret');
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadAppConfig({
        PORT: 'eighty',
        PUBLIC_BASE_URL: 'passes.example.com',
        DATABASE_URL: 'mysql://app:hunter2@db/x',
        PUSH_MODE: 'fast',
        APNS_CA_FILE: '/no/such/ca.pem',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const message = (caught as Error).message;
    for (const name of ['PORT', 'PUBLIC_BASE_URL', 'DATABASE_URL', 'PUSH_MODE', 'APNS_CA_FILE']) {
      expect(message).toContain(`${name}=`);
    }
    expect(message).not.toContain('hunter2');
  });
});
