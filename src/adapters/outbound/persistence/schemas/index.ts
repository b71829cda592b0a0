import { AccountSchema } from './account.schema';
import { ApiKeyRecordSchema } from './api-key.schema';
import { DeviceRegistrationSchema } from './device-registration.schema';
import { PassTemplateSchema } from './pass-template.schema';
import { PassChangeSequenceSchema } from './pass-change-sequence.schema';
import { PassPackageFileRecordSchema, PassPackageRecordSchema } from './pass-package.schema';
import { PassTypeSchema } from './pass-type.schema';
import { PassSchema } from './pass.schema';
import { PushJobRecordSchema } from './push-job.schema';

export const persistenceSchemas = [
  AccountSchema,
  ApiKeyRecordSchema,
  PassTypeSchema,
  PassTemplateSchema,
  PassSchema,
  DeviceRegistrationSchema,
  PassPackageRecordSchema,
  PassPackageFileRecordSchema,
  PassChangeSequenceSchema,
  PushJobRecordSchema,
];
