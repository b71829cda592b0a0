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
    const expiresAt = this.configured.certificateExpiresAt;
    this.logger.log(
      `Default pass type ${this.configured.passTypeIdentifier} (team ${this.configured.teamIdentifier}), ` +
        `certificate valid until ${expiresAt.toISOString()}`,
    );
    const daysLeft = (expiresAt.getTime() - Date.now()) / 86_400_000;
    if (daysLeft < 0) {
      this.logger.warn(`The signer certificate in ${this.config.certsDir} has expired: Wallet refuses passes signed with it.`);
    } else if (daysLeft < 30) {
      this.logger.warn(`The signer certificate in ${this.config.certsDir} expires in ${Math.ceil(daysLeft)} days.`);
    }
  }

  /** The pass type from CERTS_DIR, once the application has started. */
  get passType(): PassType | null {
    return this.configured;
  }
}
