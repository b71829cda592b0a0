import { deflateSync } from 'node:zlib';
import { emptyFields, FieldDefinition } from '../../src/domain/fields';
import { Pass } from '../../src/domain/pass';
import { PassTemplate } from '../../src/domain/pass-template';
import { PassType, SigningMaterial } from '../../src/domain/pass-type';
import type { PackageInput } from '../../src/domain/ports/pass-packager';

export const BENCH_PASS_TYPE_IDENTIFIER = 'pass.bench.passgate.airways';
export const BENCH_TEAM_IDENTIFIER = 'BENCHTEAM1';
const NOW = new Date('2026-11-22T12:00:00.000Z');

function field(key: string, label: string, overrides: Partial<FieldDefinition> = {}): FieldDefinition {
  return {
    key,
    label,
    value: null,
    changeMessage: null,
    dateStyle: null,
    timeStyle: null,
    isRelative: null,
    ignoresTimeZone: null,
    numberStyle: null,
    currencyCode: null,
    textAlignment: null,
    dynamic: true,
    ...overrides,
  };
}

/**
 * The seed page's boarding pass (../shared/seeds/002_…: "Passdock Airways", gate, from/to, name,
 * departure, passport), with an icon and a logo and their @2x variants at the sizes Apple asks
 * for, as real PNGs of realistic weight.
 */
export function seedTemplate(accountId: number, passTypeId: number): PassTemplate {
  return PassTemplate.create(
    accountId,
    {
      passTypeId,
      style: 'boardingPass',
      transitType: 'PKTransitTypeAir',
      eventTicketLayout: null,
      title: 'Passdock Airways boarding pass',
      description: 'Boarding pass',
      organizationName: 'Passdock Airways',
      logoText: 'Passdock Airways',
      colors: { foreground: 'rgb(255, 255, 255)', background: 'rgb(237, 184, 61)', label: null },
      fields: {
        ...emptyFields(),
        header: [field('gate', 'GATE', { value: '53', changeMessage: 'Gate changed to %@' })],
        primary: [
          field('from', 'FROM', { changeMessage: 'Departure changed in %@' }),
          field('to', 'TO', { changeMessage: 'Destination changed to %@' }),
        ],
        secondary: [field('name', 'NAME', { changeMessage: 'Passenger name changed to %@' })],
        auxiliary: [
          field('departure', 'DEPARTURE', {
            changeMessage: 'Departure time changed to %@',
            dateStyle: 'PKDateStyleMedium',
            timeStyle: 'PKDateStyleMedium',
          }),
        ],
        back: [field('passport', 'PASSPORT', { changeMessage: '' })],
      },
      barcode: { format: 'PKBarcodeFormatQR', message: '', messageEncoding: 'iso-8859-1', altText: null },
      images: {
        'icon.png': png(29, 29, 1),
        'icon@2x.png': png(58, 58, 2),
        'logo.png': png(160, 50, 3),
        'logo@2x.png': png(320, 100, 4),
      },
      relevance: { locations: [], beacons: [], relevantDate: null, maxDistance: null },
      localizations: {},
      recipientRequired: false,
    },
    NOW,
  );
}

/** Pass `index` of the seed template: its own serial number, passenger, gate and barcode. */
export function seedPass(template: PassTemplate, index: number): Pass {
  return Pass.issue(
    template,
    `BENCH-${String(index).padStart(7, '0')}`,
    {
      fields: {
        gate: { value: String(10 + (index % 80)) },
        from: { value: 'SFO' },
        to: { value: 'JFK' },
        name: { value: `Passenger ${index}` },
        departure: { value: '2012-12-18T14:34:10-02:00' },
        passport: { value: `X${String(index).padStart(8, '0')}` },
      },
      barcodeMessage: `QRRSNDKAIUDS${index}`,
    },
    NOW,
  );
}

export function benchPassType(material: SigningMaterial, accountId: number | null = null): PassType {
  return PassType.create(
    {
      accountId,
      passTypeIdentifier: BENCH_PASS_TYPE_IDENTIFIER,
      teamIdentifier: BENCH_TEAM_IDENTIFIER,
      material,
      development: true,
      certificateExpiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      isDefault: true,
    },
    NOW,
  );
}

/** `count` package inputs of the seed pass, with ids as if stored, for the packager-alone runs. */
export function seedInputs(material: SigningMaterial, count: number): PackageInput[] {
  const passType = benchPassType(material);
  passType.id = 1;
  const template = seedTemplate(1, passType.id);
  template.id = 1;
  return Array.from({ length: count }, (_, index) => {
    const pass = seedPass(template, index);
    pass.id = index + 1;
    return { pass, template, passType };
  });
}

/**
 * An RGBA PNG of `width`×`height` with a gradient and some noise, so it compresses like a real
 * icon rather than to nothing. Built from the PNG specification: signature, IHDR, one IDAT, IEND.
 * @see https://www.w3.org/TR/png-3/
 */
export function png(width: number, height: number, seed: number): Uint8Array {
  let state = seed * 2654435761;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 16) & 0x03;
  };
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  const pixels = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      pixels[x * 4] = (x * 255) / width + noise();
      pixels[x * 4 + 1] = (y * 255) / height + noise();
      pixels[x * 4 + 2] = 128 + noise();
      pixels[x * 4 + 3] = 255;
    }
    // Filter type 1 (Sub): each byte as the difference from the same channel of the pixel to its
    // left, which is what makes gradients compress in real PNG files.
    const row = y * (stride + 1);
    raw[row] = 1;
    for (let i = 0; i < stride; i++) raw[row + 1 + i] = pixels[i] - (i >= 4 ? pixels[i - 4] : 0);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as PNG chunks need it. */
function crc32(bytes: Buffer): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
