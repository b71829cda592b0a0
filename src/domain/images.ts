import { DomainError, DomainErrorCode } from './errors';
import type { ImageKind } from './pass-style';

/** Package file name (`icon.png`, `logo@2x.png`, ...) → PNG bytes. */
export type ImageSet = Record<string, Uint8Array>;

const IMAGE_FILE_NAME = /^(icon|logo|strip|thumbnail|background|footer|personalizationLogo)(@2x|@3x)?\.png$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export function imageKindOf(fileName: string): ImageKind | null {
  const match = IMAGE_FILE_NAME.exec(fileName);
  return match ? (match[1] as ImageKind) : null;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

/** Checks names, PNG content and size, and that the style shows every image given. */
export function validateImages(images: ImageSet, allowed: ReadonlySet<ImageKind>): void {
  for (const [fileName, bytes] of Object.entries(images)) {
    const kind = imageKindOf(fileName);
    if (kind === null) {
      throw new DomainError(
        DomainErrorCode.ImageInvalid,
        `"${fileName}" is not a pass image name (icon, logo, strip, thumbnail, background, footer or personalizationLogo, optionally @2x or @3x, .png).`,
        { image: fileName },
      );
    }
    if (!allowed.has(kind)) {
      const message =
        kind === 'personalizationLogo'
          ? 'Only a template that offers personalization shows a personalizationLogo image.'
          : `This pass style does not show a ${kind} image.`;
      throw new DomainError(DomainErrorCode.ImageNotAllowed, message, { image: fileName });
    }
    if (!isPng(bytes)) {
      throw new DomainError(DomainErrorCode.ImageInvalid, `"${fileName}" is not a PNG image.`, { image: fileName });
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      throw new DomainError(DomainErrorCode.ImageInvalid, `"${fileName}" is larger than ${MAX_IMAGE_BYTES} bytes.`, {
        image: fileName,
      });
    }
  }
}

export function hasIcon(images: ImageSet): boolean {
  return Object.keys(images).some((fileName) => imageKindOf(fileName) === 'icon');
}
