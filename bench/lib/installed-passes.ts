import type { MikroORM } from '@mikro-orm/core';
import { isPostgres } from '../../src/adapters/outbound/persistence/migrations/platform';
import { DeviceRegistration } from '../../src/domain/device-registration';
import type { PassTemplate } from '../../src/domain/pass-template';
import { seedPass } from './seed-pass';

/** What a device that installed one of the seeded passes knows, and what it last saw of it. */
export interface InstalledDevice {
  deviceLibraryIdentifier: string;
  pushToken: string;
  passId: number;
  serialNumber: string;
  authenticationToken: string;
  /** The `passesUpdatedSince` tag the device holds (the pass's change number when it registered). */
  tag: string;
  /** The `Last-Modified` of the version it installed, as the device sends it back in If-Modified-Since. */
  lastModified: string;
}

/** Rows per INSERT round: a unit of work of this many passes at a time keeps the seeding process small. */
const CHUNK = 500;

/** Device `index`'s library identifier: 32 hex digits, as Wallet's look. */
export function deviceLibraryIdentifier(index: number): string {
  return `d${index.toString(16).padStart(31, '0')}`;
}

/** Device `index`'s push token: 32 bytes as 64 hex digits, as APNs hands them out, each device its own. */
export function benchPushToken(index: number): string {
  return `a${index.toString(16).padStart(63, '0')}`;
}

/**
 * `count` passes of the seed template (each a real one, the seed page's boarding pass with its own
 * serial number, passenger and authentication token, so its package can be built and signed), each
 * installed on one device of its own with a push token of its own. Written in bulk through the
 * ORM's unit of work (passes) and INSERTs of many rows (registrations), not one HTTP call each: the
 * rows are the ones `Pass.issue` and a Wallet registration make.
 */
export async function seedInstalledPasses(orm: MikroORM, template: PassTemplate, count: number): Promise<InstalledDevice[]> {
  const devices: InstalledDevice[] = [];
  const now = new Date();
  for (let start = 0; start < count; start += CHUNK) {
    const em = orm.em.fork({ clear: true });
    const passes = Array.from({ length: Math.min(CHUNK, count - start) }, (_, offset) => seedPass(template, start + offset));
    await em.transactional(async (transaction) => {
      for (const pass of passes) transaction.persist(pass);
      await transaction.flush();
      await transaction.insertMany(
        DeviceRegistration,
        passes.map((pass, offset) => DeviceRegistration.create(deviceLibraryIdentifier(start + offset), pass.id, benchPushToken(start + offset), now)),
      );
    });
    for (const [offset, pass] of passes.entries()) {
      devices.push({
        deviceLibraryIdentifier: deviceLibraryIdentifier(start + offset),
        pushToken: benchPushToken(start + offset),
        passId: pass.id,
        serialNumber: pass.serialNumber,
        authenticationToken: pass.authenticationToken,
        tag: String(pass.changeSequence),
        lastModified: pass.lastModified.toUTCString(),
      });
    }
  }
  await analyzeAfterBulkLoad(orm);
  return devices;
}

/**
 * PostgreSQL plans from the statistics ANALYZE gathers; autovacuum gathers them a minute or more
 * after a table changes, and the benchmark starts seconds after writing thousands of rows into
 * tables that were empty. Planned as empty, a device's list of changed passes read every pass of
 * its pass type (23 ms) instead of its one registration (0.2 ms). A database whose devices have
 * installed 10,000 passes has long been analyzed: so is this one before it is measured.
 * @see https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-STATISTICS
 */
async function analyzeAfterBulkLoad(orm: MikroORM): Promise<void> {
  if (isPostgres(orm.em.getPlatform())) await orm.em.getConnection().execute('analyze passes, device_registrations');
}
