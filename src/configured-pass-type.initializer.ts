import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { loadCertsDirectory } from './adapters/outbound/signing/certs-directory';
import { RegisterConfiguredPassType } from './application/register-configured-pass-type.use-case';
import { AppConfig } from './config/app-config';
import { PassType } from './domain/pass-type';

/**
 * At start, makes the signing material in CERTS_DIR (created for development when there is none)
 * the shared default pass type. Runs after the migrations, before the server listens.
 */
@Injectable()
export class ConfiguredPassTypeInitializer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Certificates');
  private configured: PassType | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly registerConfiguredPassType: RegisterConfiguredPassType,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { material } = await loadCertsDirectory(this.config.certsDir, this.config.signerKeyPassphrase, {
      warn: (message) => this.logger.warn(message),
      info: (message) => this.logger.log(message),
    });
    this.configured = await this.registerConfiguredPassType.execute(material);
    this.logger.log(
      `Default pass type ${this.configured.passTypeIdentifier} (team ${this.configured.teamIdentifier}), ` +
        `certificate valid until ${this.configured.certificateExpiresAt.toISOString()}`,
    );
  }

  /** The pass type from CERTS_DIR, once the application has started. */
  get passType(): PassType | null {
    return this.configured;
  }
}
