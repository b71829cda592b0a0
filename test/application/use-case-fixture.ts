import { AuthenticateApiKey } from '../../src/application/authenticate-api-key.use-case';
import { CreateAccount } from '../../src/application/create-account.use-case';
import { CreateTemplate } from '../../src/application/create-template.use-case';
import { ImportPassType } from '../../src/application/import-pass-type.use-case';
import { IssuePass } from '../../src/application/issue-pass.use-case';
import { PassChanges } from '../../src/application/pass-changes';
import { RegisterConfiguredPassType } from '../../src/application/register-configured-pass-type.use-case';
import { NodeCryptoCertificateReader } from '../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { FixedClock } from '../fakes/fixed-clock';
import { InMemoryAccountRepository } from '../fakes/in-memory-account.repository';
import { InMemoryDeviceRegistrationRepository } from '../fakes/in-memory-device-registration.repository';
import { InMemoryPassTemplateRepository } from '../fakes/in-memory-pass-template.repository';
import { InMemoryPassTypeRepository } from '../fakes/in-memory-pass-type.repository';
import { InMemoryPassRepository } from '../fakes/in-memory-pass.repository';
import { InMemoryPersonalizationTokenSigner } from '../fakes/in-memory-personalization-token.signer';
import { InMemoryPushJobRepository } from '../fakes/in-memory-push-job.repository';
import { InMemoryPendingPushesSignal } from '../fakes/in-memory-pending-pushes.signal';
import { InMemoryUnitOfWork } from '../fakes/in-memory-unit-of-work';
import { aTemplateDefinition } from '../support/builders';
import { throwawayCerts } from '../support/throwaway-certs';

/**
 * Use cases over in-memory repositories. The certificate reader is the real one: it is pure
 * computation over throwaway certificates, so a fake would only test itself.
 */
export async function useCaseFixture() {
  const clock = new FixedClock();
  const accounts = new InMemoryAccountRepository();
  const passTypes = new InMemoryPassTypeRepository();
  const registrations = new InMemoryDeviceRegistrationRepository(passTypes);
  const passes = new InMemoryPassRepository(registrations);
  const templates = new InMemoryPassTemplateRepository(passes);
  const pushJobs = new InMemoryPushJobRepository(registrations, passes);
  const unitOfWork = new InMemoryUnitOfWork();
  const pendingPushes = new InMemoryPendingPushesSignal(pushJobs);
  const passChanges = new PassChanges(passes, pushJobs, unitOfWork, clock, pendingPushes);
  const certificates = new NodeCryptoCertificateReader();
  const certs = await throwawayCerts();
  const shared = await new RegisterConfiguredPassType(passTypes, certificates, clock).execute(certs.material);
  const { account, apiKey } = await new CreateAccount(accounts, clock).execute('Acme');
  const template = await new CreateTemplate(templates, passTypes, clock).execute({
    accountId: account.id,
    passTypeId: null,
    definition: aTemplateDefinition(),
  });
  return {
    clock,
    accounts,
    passTypes,
    passes,
    templates,
    registrations,
    pushJobs,
    unitOfWork,
    pendingPushes,
    passChanges,
    personalizationTokenSigner: new InMemoryPersonalizationTokenSigner(),
    certificates,
    certs,
    shared,
    account,
    apiKey,
    template,
    authenticate: new AuthenticateApiKey(accounts),
    importPassType: new ImportPassType(accounts, passTypes, certificates, new InMemoryUnitOfWork(), clock),
    issuePass: new IssuePass(templates, passes, clock),
  };
}
