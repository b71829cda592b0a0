import { DomainErrorCode } from '../../../domain/errors';
import { isPng, MAX_IMAGE_BYTES, type ImageSet } from '../../../domain/images';
import type { ImageKind } from '../../../domain/pass-style';
import { ValueReader } from './passdock-values';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:image\/[a-z.+-]+;base64,/i;
const SCALE = /@([23])x\.[A-Za-z0-9]+$/;
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/**
 * Reads a Passdock image parameter, `{"filename":"test.png","data":"<base64>"}` (create-pass page,
 * `thumbnail`; template create, `icon`/`logo`/`strip`/`thumbnail`/`background`), into package
 * files of one kind. The parameter name gives the kind; the file name only says the resolution
 * (`…@2x.png`, `…@3x.png`). An array of such hashes gives several resolutions at once.
 * The content decides, not the name: Wallet shows PNG only, so a JPEG or anything else is
 * refused, as is an image over the size limit. A file uploaded in a multipart form
 * (`-F thumbnail=@thumb.png`, a passgate extension) arrives as bytes and is checked the same way.
 */
export function readImages(reader: ValueReader, value: unknown, kind: ImageKind, field: string): ImageSet | undefined {
  if (Buffer.isBuffer(value)) {
    const bytes = checkedImage(reader, new Uint8Array(value), field);
    return bytes ? { [`${kind}.png`]: bytes } : undefined;
  }
  const hashes = Array.isArray(value) ? value : [value];
  if (hashes.length === 0) return reader.invalid(field, `${field} must be an image hash {"filename","data"}.`);
  const images: ImageSet = {};
  let complete = true;
  hashes.forEach((item, index) => {
    const itemField = Array.isArray(value) ? `${field}[${index}]` : field;
    const image = readImage(reader, item, kind, itemField);
    if (image === undefined) {
      complete = false;
      return;
    }
    if (images[image.fileName]) {
      complete = false;
      reader.invalid(itemField, `${field} gives ${image.fileName} twice.`, DomainErrorCode.ImageInvalid);
      return;
    }
    images[image.fileName] = image.bytes;
  });
  return complete ? images : undefined;
}

function readImage(
  reader: ValueReader,
  value: unknown,
  kind: ImageKind,
  field: string,
): { fileName: string; bytes: Uint8Array } | undefined {
  const hash = reader.hash(value, field);
  if (!hash) return undefined;
  reader.onlyKnown(hash, ['filename', 'data'], field);
  const fileName = hash.filename === undefined ? '' : reader.string(hash.filename, `${field}.filename`);
  const data = reader.string(hash.data, `${field}.data`, DomainErrorCode.ImageInvalid);
  if (fileName === undefined || data === undefined) return undefined;
  const base64 = data.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  // Decoded size is three quarters of the text; refuse before decoding anything too large.
  if (Math.floor((base64.length * 3) / 4) > MAX_IMAGE_BYTES + 2) {
    return reader.invalid(`${field}.data`, `${field} is larger than ${MAX_IMAGE_BYTES} bytes.`, DomainErrorCode.ImageInvalid);
  }
  if (base64 === '' || base64.length % 4 === 1 || !BASE64.test(base64)) {
    return reader.invalid(`${field}.data`, `${field}.data is not base64.`, DomainErrorCode.ImageInvalid);
  }
  const bytes = checkedImage(reader, new Uint8Array(Buffer.from(base64, 'base64')), field, `${field}.data`);
  if (!bytes) return undefined;
  const scale = SCALE.exec(fileName);
  return { fileName: `${kind}${scale ? `@${scale[1]}x` : ''}.png`, bytes };
}

function checkedImage(reader: ValueReader, bytes: Uint8Array, what: string, field = what): Uint8Array | undefined {
  if (bytes.length > MAX_IMAGE_BYTES) {
    return reader.invalid(field, `${what} is larger than ${MAX_IMAGE_BYTES} bytes.`, DomainErrorCode.ImageInvalid);
  }
  if (!isPng(bytes)) {
    const jpeg = JPEG_SIGNATURE.every((byte, index) => bytes[index] === byte);
    return reader.invalid(
      field,
      jpeg ? `${what} is a JPEG image; Wallet shows PNG images only.` : `${what} is not a PNG image.`,
      DomainErrorCode.ImageInvalid,
    );
  }
  return bytes;
}
