import { Module } from '@nestjs/common';
import { SystemClock } from './adapters/outbound/clock/system-clock';
import { InProcessPendingPushesSignal } from './adapters/outbound/push/in-process-pending-pushes.signal';
import { PersistenceModule } from './adapters/outbound/persistence/persistence.module';
import { SigningModule } from './adapters/outbound/signing/signing.module';
import { AuthenticateApiKey } from './application/authenticate-api-key.use-case';
import { BuildPassPackage } from './application/build-pass-package.use-case';
import { CountInstalledPasses } from './application/count-installed-passes.use-case';
import { CreateAccount } from './application/create-account.use-case';
import { CreateTemplate } from './application/create-template.use-case';
import { DeletePass } from './application/delete-pass.use-case';
import { DeleteTemplate } from './application/delete-template.use-case';
import { ImportPassType } from './application/import-pass-type.use-case';
import { IssuePass } from './application/issue-pass.use-case';
import { RedeemPass } from './application/redeem-pass.use-case';
import { RegisterConfiguredPassType } from './application/register-configured-pass-type.use-case';
import { RotateApiKey } from './application/rotate-api-key.use-case';
import { UpdatePass } from './application/update-pass.use-case';
import { UpdateTemplate } from './application/update-template.use-case';
import { VoidPass } from './application/void-pass.use-case';
import { DeletePassData } from './application/delete-pass-data.use-case';
import { FindPassBySerialNumber } from './application/find-pass-by-serial-number.use-case';
import { FindPassData } from './application/find-pass-data.use-case';
import { FindPassesByBarcode } from './application/find-passes-by-barcode.use-case';
import { GetPass } from './application/get-pass.use-case';
import { GetTemplate } from './application/get-template.use-case';
import { IssueOrUpdatePass } from './application/issue-or-update-pass.use-case';
import { IssuePreparedPass } from './application/issue-prepared-pass.use-case';
import { ListTemplatePasses } from './application/list-template-passes.use-case';
import { ListTemplates } from './application/list-templates.use-case';
import { OpenPublicPass } from './application/open-public-pass.use-case';
import { PreparePassData } from './application/prepare-pass-data.use-case';
import { GetLatestPass } from './application/get-latest-pass.use-case';
import { ListChangedPasses } from './application/list-changed-passes.use-case';
import { ListPassDevices } from './application/list-pass-devices.use-case';
import { PassChanges } from './application/pass-changes';
import { PersonalizePass } from './application/personalize-pass.use-case';
import { RegisterDevice } from './application/register-device.use-case';
import { UnregisterDevice } from './application/unregister-device.use-case';
import { Clock } from './domain/ports/clock';
import { PendingPushesSignal } from './domain/ports/pending-pushes-signal';

const USE_CASES = [
  PassChanges,
  RegisterDevice,
  UnregisterDevice,
  ListChangedPasses,
  GetLatestPass,
  ListPassDevices,
  CountInstalledPasses,
  PersonalizePass,
  DeletePassData,
  FindPassBySerialNumber,
  FindPassData,
  FindPassesByBarcode,
  GetPass,
  GetTemplate,
  IssueOrUpdatePass,
  IssuePreparedPass,
  ListTemplatePasses,
  ListTemplates,
  OpenPublicPass,
  PreparePassData,
  AuthenticateApiKey,
  BuildPassPackage,
  CreateAccount,
  CreateTemplate,
  DeletePass,
  DeleteTemplate,
  ImportPassType,
  IssuePass,
  RedeemPass,
  RegisterConfiguredPassType,
  RotateApiKey,
  UpdatePass,
  UpdateTemplate,
  VoidPass,
];

/** Composition root of the use cases: binds the outbound ports and exports what inbound adapters call. */
@Module({
  imports: [PersistenceModule, SigningModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    // One instance: the push worker (PushWorkerModule) listens to what the use cases signal.
    InProcessPendingPushesSignal,
    { provide: PendingPushesSignal, useExisting: InProcessPendingPushesSignal },
    ...USE_CASES,
  ],
  exports: [...USE_CASES, PersistenceModule, SigningModule, Clock, InProcessPendingPushesSignal],
})
export class CoreModule {}
