import { EntitySchema } from '@mikro-orm/core';
import { DeviceRegistration } from '../../../../domain/device-registration';
import { Pass } from '../../../../domain/pass';

export const DeviceRegistrationSchema = new EntitySchema<DeviceRegistration>({
  class: DeviceRegistration,
  tableName: 'device_registrations',
  properties: {
    deviceLibraryIdentifier: { type: 'text', primary: true },
    passId: {
      kind: 'm:1',
      entity: () => Pass,
      mapToPk: true,
      primary: true,
      joinColumn: 'pass_id',
      deleteRule: 'cascade',
    },
    pushToken: { type: 'text' },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3 },
  },
  indexes: [{ name: 'device_registrations_pass_id_index', properties: ['passId'] }],
});
