import { Type } from '@mikro-orm/core';
import type { ImageSet } from '../../../../domain/images';

/**
 * Stores an image set as JSON text with base64 values. Text rather than json/jsonb, so PostgreSQL
 * neither reorders nor reparses it; the snapshot compares the stored text, not Buffers.
 */
export class ImageSetType extends Type<ImageSet, string> {
  override convertToDatabaseValue(value: ImageSet | string): string {
    if (typeof value === 'string') return value;
    const encoded: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(value ?? {})) {
      encoded[name] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    return JSON.stringify(encoded);
  }

  override convertToJSValue(value: string | Record<string, string | Uint8Array> | null): ImageSet {
    const parsed = typeof value === 'string' ? (JSON.parse(value) as Record<string, string | Uint8Array>) : value ?? {};
    const images: ImageSet = {};
    for (const [name, content] of Object.entries(parsed)) {
      images[name] = typeof content === 'string' ? Buffer.from(content, 'base64') : Buffer.from(content);
    }
    return images;
  }

  /**
   * MikroORM hydrates a loaded row, then by default encodes the decoded images back into the row
   * data for the change-detection snapshot: every image of a template through base64 once more,
   * on each load. The row's text already is that encoding (this type wrote it), so it is kept.
   */
  override ensureComparable(): boolean {
    return false;
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return 'text';
  }
}
