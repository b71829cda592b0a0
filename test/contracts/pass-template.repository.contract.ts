import { emptyFields } from '../../src/domain/fields';
import { PassTemplate, type TemplateDefinition } from '../../src/domain/pass-template';
import { aField, aPass, aPng, aRegistration, aTemplate, aTemplateDefinition } from '../support/builders';
import { AN_NFC, personalizableStoreCard } from '../support/personalization-fixtures';
import { anOwner, aStoredPass, type Owner } from './fixtures';
import { snapshot, type HarnessSetup, type RepositoryHarness, type Repositories } from './harness';

const CREATED = new Date('2026-01-02T03:04:05.006Z');

/** Every part of a definition set, nested documents included, key order deliberately not alphabetical. */
function aRichDefinition(passTypeId: number): TemplateDefinition {
  return aTemplateDefinition({
    passTypeId,
    style: 'eventTicket',
    eventTicketLayout: 'backgroundAndThumbnail',
    title: 'Concert — Übersicht 🎫',
    description: 'Summer concert',
    organizationName: 'Hall "A" & Co',
    logoText: 'Hall A',
    colors: { foreground: 'rgb(255, 255, 255)', background: '#102030', label: null },
    fields: {
      ...emptyFields(),
      header: [aField('gate', { value: 12, numberStyle: 'PKNumberStyleDecimal', textAlignment: 'PKTextAlignmentRight' })],
      primary: [aField('name', { dynamic: true, value: 'Guest', changeMessage: 'Name: %@' })],
      secondary: [
        aField('starts', {
          value: '2026-07-01T20:00:00+02:00',
          dateStyle: 'PKDateStyleMedium',
          timeStyle: 'PKDateStyleShort',
          isRelative: true,
          ignoresTimeZone: false,
        }),
      ],
      auxiliary: [aField('price', { value: 49.9, currencyCode: 'EUR', dynamic: true })],
      back: [aField('terms', { label: null, value: 'No refunds.\nLine two.' })],
    },
    barcode: {
      format: 'PKBarcodeFormatQR',
      message: 'TICKET',
      messageEncoding: 'iso-8859-1',
      altText: null,
      messageRequired: true,
    },
    images: {
      'icon.png': aPng(1),
      'icon@2x.png': aPng(2),
      'logo.png': aPng(3),
      'background.png': aPng(4),
      'thumbnail@3x.png': aPng(5),
    },
    relevance: {
      locations: [{ latitude: 52.52, longitude: 13.405, altitude: 34, relevantText: 'Near the hall' }],
      beacons: [{ proximityUUID: 'E2C56DB5-DFFB-48D2-B060-D0F5A71096E0', major: 7, minor: 9, relevantText: null }],
      relevantDate: '2026-07-01T19:00:00Z',
      maxDistance: 250.5,
      dynamicLocations: 2,
      dynamicBeacons: 0,
    },
    localizations: { fr: { zebra: 'zèbre', apple: 'pomme' }, de: { name: 'Name' } },
    recipientRequired: true,
  });
}

export function passTemplateRepositoryContract(name: string, setup: HarnessSetup): void {
  describe(`PassTemplateRepository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repos: Repositories;
    let owner: Owner;

    beforeEach(async () => {
      harness = await setup();
      repos = harness.repos;
      owner = await anOwner(repos);
    });

    afterEach(async () => {
      await harness?.teardown();
    });

    it('assigns an id on add and gives every part of the definition back', async () => {
      const template = PassTemplate.create(owner.account.id, aRichDefinition(owner.passType.id), CREATED);
      const added = await repos.templates.add(template);
      expect(added).toBe(template);
      expect(typeof template.id).toBe('number');

      const loaded = await repos.templates.findById(template.id);
      expect(loaded).toBeInstanceOf(PassTemplate);
      expect(snapshot(loaded)).toStrictEqual(snapshot(template));
      expect(Object.keys(loaded!.localizations.fr)).toEqual(['zebra', 'apple']);
      expect(Object.keys(loaded!.images)).toEqual(Object.keys(template.images));
      expect(loaded!.images['background.png']).toBeInstanceOf(Uint8Array);
      expect(loaded!.createdAt.getTime()).toBe(CREATED.getTime());
      expect(loaded!.findField('price')?.definition.value).toBe(49.9);
      expect(loaded!.recipientRequired).toBe(true);
      expect([loaded!.dynamicLocationSlots(), loaded!.dynamicBeaconSlots()]).toEqual([2, 0]);
      expect(loaded!.requiresBarcodeMessage()).toBe(true);
    });

    it('keeps a boarding pass transit type and a null barcode', async () => {
      const template = await repos.templates.add(
        aTemplate(owner.account.id, owner.passType.id, {
          style: 'boardingPass',
          transitType: 'PKTransitTypeTrain',
          barcode: null,
          images: { 'icon.png': aPng(1), 'footer.png': aPng(2) },
        }),
      );
      const loaded = await repos.templates.findById(template.id);
      expect(loaded!.transitType).toBe('PKTransitTypeTrain');
      expect(loaded!.eventTicketLayout).toBeNull();
      expect(loaded!.barcode).toBeNull();
      expect(snapshot(loaded)).toStrictEqual(snapshot(template));
    });

    it('stores a changed definition on save', async () => {
      const loaded = (await repos.templates.findById(owner.template.id))!;
      loaded.update(
        { title: 'Renamed', images: { 'icon.png': aPng(42) }, logoText: null, localizations: { en: { a: 'b' } } },
        new Date('2026-04-04T04:04:04.444Z'),
      );
      await repos.templates.save(loaded);
      const reloaded = await repos.templates.findById(owner.template.id);
      expect(snapshot(reloaded)).toStrictEqual(snapshot(loaded));
      expect(reloaded!.updatedAt.toISOString()).toBe('2026-04-04T04:04:04.444Z');
    });

    it('gives each find a template of its own: a change not saved is not what the next find gives', async () => {
      const found = (await repos.templates.findById(owner.template.id))!;
      found.update({ description: 'Not saved', images: { 'icon.png': aPng(7) } }, new Date('2026-04-04T04:04:04.444Z'));
      const again = (await repos.templates.findForAccount(owner.account.id, owner.template.id))!;
      expect(again).not.toBe(found);
      expect(snapshot(again)).toStrictEqual(snapshot(owner.template));
    });

    it('answers finds by id made together, each with a template of its own or none', async () => {
      const other = await repos.templates.add(aTemplate(owner.account.id, owner.passType.id, { title: 'Other' }));

      const found = await Promise.all([owner.template.id, other.id, other.id + 1000, owner.template.id].map((id) => repos.templates.findById(id)));

      expect(found.map((template) => template?.id ?? null)).toEqual([owner.template.id, other.id, null, owner.template.id]);
      expect(snapshot(found[1])).toStrictEqual(snapshot(other));
      expect(found[3]).not.toBe(found[0]);
    });

    it("answers an account's finds made together, each with a template of its own or none", async () => {
      const other = await anOwner(repos, 'Other');

      const found = await Promise.all([
        repos.templates.findForAccount(owner.account.id, owner.template.id),
        repos.templates.findForAccount(owner.account.id, other.template.id),
        repos.templates.findForAccount(other.account.id, other.template.id),
        repos.templates.findForAccount(owner.account.id, owner.template.id),
      ]);

      expect(found.map((template) => template?.id ?? null)).toEqual([owner.template.id, null, other.template.id, owner.template.id]);
      expect(found[3]).not.toBe(found[0]);
    });

    it('finds a template at a version seen before, or as stored now, each find with a template of its own', async () => {
      const seen = owner.template.updatedAt;
      const atSeen = (await repos.templates.findAtVersion(owner.template.id, seen))!;
      expect(snapshot(atSeen)).toStrictEqual(snapshot(owner.template));
      atSeen.update({ description: 'Not saved' }, new Date('2026-04-04T04:04:04.444Z'));
      expect((await repos.templates.findAtVersion(owner.template.id, seen))!.description).toBe(owner.template.description);

      const changed = (await repos.templates.findById(owner.template.id))!;
      changed.update({ description: 'Saved' }, new Date('2026-05-05T05:05:05.555Z'));
      await repos.templates.save(changed);
      const atChange = (await repos.templates.findAtVersion(owner.template.id, changed.updatedAt))!;
      expect(snapshot(atChange)).toStrictEqual(snapshot(changed));
      // The version seen before the change, or the change: never one older than asked for.
      const atOld = (await repos.templates.findAtVersion(owner.template.id, seen))!;
      expect([seen.getTime(), changed.updatedAt.getTime()]).toContain(atOld.updatedAt.getTime());
      expect(await repos.templates.findAtVersion(owner.template.id + 1000, seen)).toBeNull();
    });

    it('gives every saved change a later updatedAt, even within one millisecond', async () => {
      const at = new Date('2026-04-04T04:04:04.444Z');
      const first = (await repos.templates.findById(owner.template.id))!;
      first.update({ description: 'First' }, at);
      await repos.templates.save(first);
      const second = (await repos.templates.findById(owner.template.id))!;
      second.update({ description: 'Second' }, at);
      await repos.templates.save(second);
      const found = (await repos.templates.findById(owner.template.id))!;
      expect(found.description).toBe('Second');
      expect(found.updatedAt.getTime()).toBe(at.getTime() + 1);
    });

    it('keeps a personalization offer and nfc and clears them back to null', async () => {
      const offer = {
        termsAndConditions: 'Points expire — après un an.',
        requiredPersonalizationFields: ['PKPassPersonalizationFieldPhoneNumber' as const, 'PKPassPersonalizationFieldName' as const],
        description: 'Join Rewards 🎁',
      };
      const template = await repos.templates.add(
        aTemplate(owner.account.id, owner.passType.id, personalizableStoreCard({ personalization: offer })),
      );

      const loaded = (await repos.templates.findById(template.id))!;
      expect(snapshot(loaded)).toStrictEqual(snapshot(template));
      expect(loaded.personalization).toEqual(offer);
      // personalization.json is written from it: its bytes, manifest hash included, stay the same.
      expect(Object.keys(loaded.personalization!)).toEqual(['description', 'requiredPersonalizationFields', 'termsAndConditions']);
      expect(loaded.nfc).toEqual(AN_NFC);
      expect(loaded.images['personalizationLogo@2x.png']).toBeInstanceOf(Uint8Array);

      loaded.update({ personalization: null, images: { 'icon.png': aPng(1) } }, new Date('2026-04-04T04:04:04.444Z'));
      await repos.templates.save(loaded);
      const cleared = (await repos.templates.findById(template.id))!;
      expect(cleared.personalization).toBeNull();
      expect(cleared.nfc).toEqual(AN_NFC);
      cleared.update({ nfc: null }, new Date('2026-04-04T04:04:05.000Z'));
      await repos.templates.save(cleared);
      expect((await repos.templates.findById(template.id))!.nfc).toBeNull();
      expect((await repos.templates.findById(owner.template.id))!.personalization).toBeNull();
    });

    it('finds a template for its own account only', async () => {
      const stranger = await anOwner(repos, 'Stranger');
      expect((await repos.templates.findForAccount(owner.account.id, owner.template.id))?.id).toBe(owner.template.id);
      expect(await repos.templates.findForAccount(stranger.account.id, owner.template.id)).toBeNull();
      expect(await repos.templates.findById(owner.template.id + 1000)).toBeNull();
    });

    it('finds a template by title within one account; titles are not unique in storage', async () => {
      const stranger = await anOwner(repos, 'Stranger', { title: 'Shared title' });
      const first = await repos.templates.add(aTemplate(owner.account.id, owner.passType.id, { title: 'Shared title' }));
      const second = await repos.templates.add(aTemplate(owner.account.id, owner.passType.id, { title: 'Shared title' }));
      expect(second.id).not.toBe(first.id);
      expect((await repos.templates.findByTitle(owner.account.id, 'Shared title'))?.id).toBe(first.id);
      expect((await repos.templates.findByTitle(stranger.account.id, 'Shared title'))?.id).toBe(stranger.template.id);
      expect(await repos.templates.findByTitle(owner.account.id, 'shared title')).toBeNull();
    });

    it("lists an account's templates by ascending id, a page at a time", async () => {
      const stranger = await anOwner(repos, 'Stranger');
      const ids = [owner.template.id];
      for (let index = 1; index < 5; index += 1) {
        ids.push((await repos.templates.add(aTemplate(owner.account.id, owner.passType.id, { title: `T${index}` }))).id);
      }
      expect((await repos.templates.listForAccount(owner.account.id, { offset: 0, limit: 50 })).map((t) => t.id)).toEqual(ids);
      expect((await repos.templates.listForAccount(owner.account.id, { offset: 2, limit: 2 })).map((t) => t.id)).toEqual(
        ids.slice(2, 4),
      );
      expect(await repos.templates.listForAccount(owner.account.id, { offset: 10, limit: 2 })).toEqual([]);
      expect((await repos.templates.listForAccount(stranger.account.id, { offset: 0, limit: 50 })).map((t) => t.id)).toEqual([
        stranger.template.id,
      ]);
    });

    it('removes a template together with its passes and their device registrations', async () => {
      const other = await repos.templates.add(aTemplate(owner.account.id, owner.passType.id, { title: 'Kept' }));
      const pass = await aStoredPass(repos, owner.template, 'SN-1');
      const kept = await repos.passes.add(aPass(other, 'SN-2'));
      await repos.registrations.register(aRegistration('device-a', pass.id));
      await repos.registrations.register(aRegistration('device-a', kept.id));

      await repos.templates.remove(owner.template);

      expect(await repos.templates.findById(owner.template.id)).toBeNull();
      expect(await repos.passes.findById(pass.id)).toBeNull();
      expect(await repos.passes.findBySerialNumber(owner.passType.id, 'SN-1')).toBeNull();
      expect(await repos.registrations.listForPass(pass.id)).toEqual([]);
      expect(await repos.registrations.listPassIdsForDevice('device-a')).toEqual([kept.id]);
      expect(await repos.templates.findById(other.id)).not.toBeNull();
      // The serial number is free again.
      await expect(repos.passes.add(aPass(other, 'SN-1'))).resolves.toBeDefined();
    });
  });
}
